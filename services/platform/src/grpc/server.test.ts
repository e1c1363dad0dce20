import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { bidiStream, serverStream, unary, type CallContext } from '../api/handler.js';
import type { AttestAgentRequest } from '../gen/signet/signet/attestation/v1/AttestAgentRequest.js';
import type { AttestAgentResponse__Output } from '../gen/signet/signet/attestation/v1/AttestAgentResponse.js';
import type { SyncAuthorizedResponse__Output } from '../gen/signet/signet/attestation/v1/SyncAuthorizedResponse.js';
import type { MintX509SvidRequest__Output } from '../gen/signet/signet/ca/v1/MintX509SvidRequest.js';
import type { MintX509SvidResponse__Output } from '../gen/signet/signet/ca/v1/MintX509SvidResponse.js';
import { streamMessages, unaryCall } from './client-calls.js';
import { signetProtos } from './protos.js';
import { startTestGrpcServer, type TestGrpcServer } from './testing.js';

const protos = signetProtos();

describe('gRPC server round trips over a Unix socket', () => {
  let t: TestGrpcServer;
  const seen: { request?: MintX509SvidRequest__Output; ctx?: CallContext } = {};

  before(async () => {
    t = await startTestGrpcServer({
      services: [
        {
          definition: protos.ca,
          impl: {
            MintX509Svid: unary<MintX509SvidRequest__Output, unknown>(['admin'], async (request, ctx) => {
              seen.request = request;
              seen.ctx = ctx;
              ctx.audit({ entry_id: request.entry_id });
              return { cert_chain: [request.csr, Buffer.from('issuer')], expires_at: '1735689600', authority_id: 'a1', serial_number: 'ff' };
            }),
          },
        },
        {
          definition: protos.attestation,
          impl: {
            SyncAuthorized: serverStream<{ from_revision: string }, unknown>(['admin'], async (request, _ctx, send) => {
              const from = Number(request.from_revision);
              for (let i = 1; i <= 3; i++) await send({ revision: String(from + i), snapshot: i < 3, snapshot_done: i === 3 });
            }),
            AttestAgent: bidiStream<{ step: string; params?: { attestation_type: string }; challenge_response?: Buffer }, unknown>(
              ['admin', 'anonymous'],
              async (requests, _ctx, send) => {
                let type = '';
                for await (const r of requests) {
                  if (r.step === 'params') {
                    type = r.params!.attestation_type;
                    await send({ challenge: Buffer.from(`prove ${type}`) });
                  } else {
                    await send({ result: { spiffe_id: `spiffe://example.org/agent/${type}/${r.challenge_response!.toString()}` } });
                    return;
                  }
                }
              },
            ),
          },
        },
      ],
    });
  });
  after(() => t.close());

  test('a unary call decodes bytes as Buffers and int64 as strings, and the handler sees an admin caller', async () => {
    const ca = t.client(protos.ca);
    const res = await unaryCall<MintX509SvidResponse__Output>((cb) =>
      ca.MintX509Svid({ csr: Buffer.from([1, 2, 3]), entry_id: 'e1', ttl: 60 }, cb),
    );
    assert.deepEqual(res.cert_chain, [Buffer.from([1, 2, 3]), Buffer.from('issuer')]);
    assert.equal(res.expires_at, '1735689600');
    assert.equal(seen.request?.spiffe_id, '', 'unset fields get their defaults');
    assert.deepEqual(seen.request?.dns_names, []);
    assert.deepEqual(seen.ctx?.caller, { kind: 'admin', via: 'unix' });
    assert.equal(seen.ctx?.method, 'signet.ca.v1.CA/MintX509Svid');
    assert.equal(seen.ctx?.signal.aborted, false);
  });

  test('an admin call writes one audit line with the caller, method, outcome and fields', async () => {
    t.logs.clear();
    const ca = t.client(protos.ca);
    await unaryCall((cb) => ca.MintX509Svid({ csr: Buffer.from([9]), entry_id: 'entry-42' }, cb));
    const audits = t.logs.records().filter((r) => r.audit === true);
    assert.equal(audits.length, 1);
    assert.deepEqual(
      { ...audits[0], time: undefined, pid: undefined, hostname: undefined, duration_ms: undefined, level: undefined },
      {
        audit: true,
        transport: 'grpc',
        method: 'signet.ca.v1.CA/MintX509Svid',
        caller: 'admin (unix)',
        caller_kind: 'admin',
        code: 'ok',
        fields: { entry_id: 'entry-42' },
        msg: 'audit',
        service: 'test',
        time: undefined,
        pid: undefined,
        hostname: undefined,
        duration_ms: undefined,
        level: undefined,
      },
    );
  });

  test('a server stream delivers every message, then ends', async () => {
    const attestation = t.client(protos.attestation);
    const got: SyncAuthorizedResponse__Output[] = [];
    for await (const m of streamMessages<SyncAuthorizedResponse__Output>(attestation.SyncAuthorized({ from_revision: '10' }))) got.push(m);
    assert.deepEqual(
      got.map((m) => [m.revision, m.snapshot, m.snapshot_done]),
      [
        ['11', true, false],
        ['12', true, false],
        ['13', false, true],
      ],
    );
  });

  test('a bidi stream exchanges a challenge and its response', async () => {
    const attestation = t.client(protos.attestation);
    const call: ClientDuplexStream<AttestAgentRequest, AttestAgentResponse__Output> = attestation.AttestAgent();
    const responses: AttestAgentResponse__Output[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (m: AttestAgentResponse__Output) => {
        responses.push(m);
        if (m.step === 'challenge') call.write({ challenge_response: Buffer.from('node-7') });
      });
      call.on('end', resolve);
      call.on('error', reject);
    });
    call.write({ params: { attestation_type: 'join_token', payload: Buffer.from('t') } });
    await done;
    assert.equal(responses.length, 2);
    assert.equal(responses[0]?.challenge?.toString(), 'prove join_token');
    assert.equal(responses[1]?.result?.spiffe_id, 'spiffe://example.org/agent/join_token/node-7');
  });

  test('a method the service does not implement answers UNIMPLEMENTED', async () => {
    const ca = t.client(protos.ca);
    await assert.rejects(
      unaryCall((cb) => ca.GetBundle({}, cb)),
      (err: Error & { apiCode?: string }) => err.apiCode === 'unimplemented',
    );
  });
});

describe('audit lines for callers other than admins', () => {
  test('a method marked audit: true is audited for every caller, refusals included; others are not', async () => {
    const t = await startTestGrpcServer({
      admin: false,
      services: [
        {
          definition: protos.ca,
          impl: {
            MintJwtSvid: unary(['anonymous'], async (_req, ctx) => {
              ctx.audit({ audience: 'db' });
              return { token: 'x' };
            }, { audit: true }),
            ListAuthorities: unary(['admin'], async () => ({}), { audit: true }),
            GetBundle: unary(['anonymous'], async () => ({})),
          },
        },
      ],
    });
    try {
      const ca = t.client(protos.ca);
      await unaryCall((cb) => ca.MintJwtSvid({}, cb));
      await assert.rejects(unaryCall((cb) => ca.ListAuthorities({}, cb)));
      await unaryCall((cb) => ca.GetBundle({}, cb));
      const audits = t.logs.records().filter((r) => r.audit === true);
      assert.deepEqual(
        audits.map((a) => [a.method, a.caller, a.code, a.fields]),
        [
          ['signet.ca.v1.CA/MintJwtSvid', 'anonymous (unix)', 'ok', { audience: 'db' }],
          ['signet.ca.v1.CA/ListAuthorities', 'anonymous (unix)', 'unauthenticated', {}],
        ],
      );
    } finally {
      await t.close();
    }
  });
});

describe('addService checks the implementation against the proto', () => {
  const cases: { name: string; impl: Record<string, ReturnType<typeof unary>>; message: RegExp }[] = [
    { name: 'a method the service does not have', impl: { MintX509SVID: unary(['admin'], async () => ({})) }, message: /no method "MintX509SVID"/ },
    {
      name: 'a unary spec for a streaming method',
      impl: { SyncAuthorized: unary(['agent'], async () => ({})) },
      message: /SyncAuthorized is server_stream, but its MethodSpec is unary/,
    },
  ];
  for (const c of cases) {
    test(`refuses ${c.name}`, async () => {
      const definition = c.name.includes('streaming') ? protos.attestation : protos.ca;
      await assert.rejects(startTestGrpcServer({ services: [{ definition, impl: c.impl }] }), (err: Error) => {
        assert.ok(err instanceof TypeError);
        assert.match(err.message, c.message);
        return true;
      });
    });
  }

  test('refuses a service added twice', async () => {
    const impl = { GetBundle: unary(['admin'], async () => ({})) };
    await assert.rejects(
      startTestGrpcServer({ services: [{ definition: protos.ca, impl }, { definition: protos.ca, impl }] }),
      /already served/,
    );
  });
});
