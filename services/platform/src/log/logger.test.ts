import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { captureLogs } from '../testing/log-capture.js';
import { createLogger, type Logger } from './logger.js';
import { SecretRegistry } from './secret-registry.js';

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

// Real secrets: a PKCS#8 EC private key, a JWT signed with it, and a random join token.
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PEM_BODY_LINE = PEM.split('\n')[2] as string; // a line from the middle of the base64 body
const JWT = (() => {
  const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: 'k1' }));
  const payload = base64url(JSON.stringify({ sub: 'spiffe://example.org/web', aud: ['db'], exp: 2_000_000_000 }));
  const signer = createSign('SHA256');
  signer.update(`${header}.${payload}`);
  const signature = base64url(signer.sign({ key: privateKey, dsaEncoding: 'ieee-p1363' }));
  return `${header}.${payload}.${signature}`;
})();
const JWT_SIGNATURE = JWT.split('.')[2] as string;
const TOKEN = randomBytes(16).toString('hex');

function setup(format: 'json' | 'pretty' = 'json') {
  const logs = captureLogs();
  const secrets = new SecretRegistry();
  secrets.add(TOKEN);
  const log = createLogger({ level: 'debug', format, service: 'registrar', destination: logs.stream, secrets });
  return { logs, log };
}

function assertNoSecrets(text: string): void {
  assert.ok(!text.includes(PEM_BODY_LINE), `private key body leaked: ${text}`);
  assert.ok(!text.includes('BEGIN PRIVATE KEY') || text.includes('[REDACTED'), 'PEM header leaked');
  assert.ok(!text.includes(JWT_SIGNATURE), `JWT leaked: ${text}`);
  assert.ok(!text.includes(JWT.slice(0, 40)), `JWT header leaked: ${text}`);
  assert.ok(!text.includes(TOKEN), `registered token leaked: ${text}`);
}

describe('createLogger secret scrubbing', () => {
  const cases: { name: string; write(log: Logger): void; keeps: string[] }[] = [
    {
      name: 'private key PEM in an ordinary field',
      write: (log) => log.info({ upload: { bundle: PEM, note: 'ca upload' } }, 'received key'),
      keeps: ['received key', 'ca upload', '[REDACTED PRIVATE KEY]'],
    },
    {
      name: 'private key under a secret key name five levels deep',
      write: (log) => log.info({ a: { b: { c: { d: { key_pem: PEM, kid: 'key-7' } } } } }, 'nested'),
      keeps: ['nested', 'key-7', '"key_pem":"[REDACTED]"'],
    },
    {
      name: 'JWT inside the message string',
      write: (log) => log.info(`minted jwt-svid ${JWT} for web`),
      keeps: ['minted jwt-svid', 'for web', '[REDACTED JWT]'],
    },
    {
      name: 'JWT as a printf-style argument',
      write: (log) => log.warn('rejected token %s from %s', JWT, '10.0.0.7'),
      keeps: ['rejected token', '10.0.0.7'],
    },
    {
      name: 'registered token in an error message and stack',
      write: (log) => log.error(new Error(`join token ${TOKEN} already used`)),
      keeps: ['join token [REDACTED] already used', '"stack"'],
    },
    {
      name: 'registered token in an error logged under err with a message',
      write: (log) => log.error({ err: new Error(`lookup of ${TOKEN} failed`), node: 'n1' }, 'attestation failed'),
      keeps: ['attestation failed', 'lookup of [REDACTED] failed', '"node":"n1"'],
    },
    {
      name: 'secrets in an error cause and an enumerable error field',
      write: (log) => {
        const cause = new Error(`upstream sent ${JWT}`);
        const err = Object.assign(new Error('signing failed', { cause }), { token: TOKEN, code: 'E_SIGN' });
        log.error({ err }, 'mint failed');
      },
      keeps: ['mint failed', 'signing failed', 'upstream sent [REDACTED JWT]', 'E_SIGN'],
    },
    {
      name: 'unregistered value under a secret key name deep in the object',
      write: (log) => log.info({ req: { body: { node: { join_token: 'plain-unregistered-value' } } } }, 'join'),
      keeps: ['join', '"join_token":"[REDACTED]"'],
    },
    {
      name: 'authorization header with a bearer JWT',
      write: (log) => log.info({ headers: { Authorization: `Bearer ${JWT}`, 'user-agent': 'envoy/1.30' } }, 'request'),
      keeps: ['envoy/1.30', 'request'],
    },
    {
      name: 'registered token in child logger bindings',
      write: (log) => log.child({ peer: `agent-${TOKEN}`, password: 'hunter2-long' }).info('bound'),
      keeps: ['bound', 'agent-[REDACTED]', '"password":"[REDACTED]"'],
    },
    {
      name: 'a DER private key passed as bytes',
      write: (log) => log.info({ der: privateKey.export({ type: 'pkcs8', format: 'der' }), kid: 'k9' }, 'bytes'),
      keeps: ['bytes', '"kid":"k9"', ' bytes]'],
    },
    {
      name: 'secrets inside arrays',
      write: (log) => log.info({ items: [PEM, { token: 'x'.repeat(12) }, `t=${TOKEN}`] }, 'list'),
      keeps: ['list', 't=[REDACTED]'],
    },
  ];

  for (const c of cases) {
    it(`hides ${c.name}`, () => {
      const { logs, log } = setup();
      c.write(log);
      assert.equal(logs.lines().length, 1);
      assertNoSecrets(logs.text);
      if (c.name.includes('unregistered')) assert.ok(!logs.text.includes('plain-unregistered-value'));
      if (c.name.includes('child')) assert.ok(!logs.text.includes('hunter2-long'));
      if (c.name.includes('DER')) assert.ok(!logs.text.includes('"data":['), 'bytes are not written out');
      for (const kept of c.keeps) assert.ok(logs.text.includes(kept), `expected "${kept}" in ${logs.text}`);
      assert.doesNotThrow(() => logs.records());
    });

    it(`hides ${c.name} in the pretty format`, () => {
      const { logs, log } = setup('pretty');
      c.write(log);
      assertNoSecrets(logs.text);
    });
  }

  it('keeps a circular object loggable', () => {
    const { logs, log } = setup();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop['self'] = loop;
    log.info({ loop }, 'circular');
    assert.equal(logs.records()[0]?.['loop'] !== undefined, true);
    assert.ok(logs.text.includes('[Circular]'));
  });

  it('uses the process-wide registry by default', async () => {
    const { registerSecret, unregisterSecret } = await import('./secret-registry.js');
    const logs = captureLogs();
    const log = createLogger({ level: 'info', service: 'agent', destination: logs.stream });
    const token = randomBytes(12).toString('hex');
    assert.equal(registerSecret(token), true);
    log.info(`token is ${token}`);
    assert.ok(!logs.text.includes(token));
    unregisterSecret(token);
    log.info(`token is ${token}`);
    assert.ok(logs.text.includes(token), 'an unregistered value is written as is');
  });
});

describe('createLogger fields', () => {
  it('writes the service, level label and an ISO time on every line', () => {
    const { logs, log } = setup();
    log.info('one');
    log.child({ component: 'sds' }).warn('two');
    const [first, second] = logs.records();
    assert.equal(first?.['service'], 'registrar');
    assert.equal(first?.['level'], 'info');
    assert.match(String(first?.['time']), /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(second?.['service'], 'registrar');
    assert.equal(second?.['component'], 'sds');
    assert.equal(second?.['level'], 'warn');
  });

  it('drops lines below the configured level', () => {
    const logs = captureLogs();
    const log = createLogger({ level: 'warn', service: 'ca', destination: logs.stream });
    log.info('hidden');
    log.error('shown');
    assert.deepEqual(logs.records().map((r) => r['msg']), ['shown']);
  });

  it('adds trace_id and span_id inside an active span only', () => {
    const provider = new NodeTracerProvider();
    provider.register();
    try {
      const { logs, log } = setup();
      let ids: { traceId: string; spanId: string } | undefined;
      provider.getTracer('test').startActiveSpan('op', (span) => {
        ids = span.spanContext();
        log.info('inside');
        span.end();
      });
      log.info('outside');
      const [inside, outside] = logs.records();
      assert.equal(inside?.['trace_id'], ids?.traceId);
      assert.equal(inside?.['span_id'], ids?.spanId);
      assert.equal(outside?.['trace_id'], undefined);
    } finally {
      trace.disable();
      context.disable();
    }
  });

  it('writes one readable line per record in the pretty format', () => {
    const { logs, log } = setup('pretty');
    log.info({ port: 8080, peer: 'spiffe://example.org/web' }, 'listening');
    const [line] = logs.lines();
    assert.match(line ?? '', /^\d{4}-\d{2}-\d{2}T\S+ INFO {2}\[registrar\] listening port=8080 peer=spiffe:\/\/example.org\/web$/);
  });
});
