import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../log/logger.js';
import { registerSecret, unregisterSecret } from '../log/secret-registry.js';
import { captureLogs } from '../testing/log-capture.js';
import { createHealthServer, type HealthServerOptions } from './health-server.js';
import type { ReadinessCheck } from './checks.js';

async function withServer(
  options: Partial<HealthServerOptions>,
  fn: (url: string, server: ReturnType<typeof createHealthServer>, logs: ReturnType<typeof captureLogs>) => Promise<void>,
): Promise<void> {
  const logs = captureLogs();
  const logger = createLogger({ level: 'info', service: 'test', destination: logs.stream });
  const server = createHealthServer({ host: '127.0.0.1', port: 0, logger, ...options });
  const { url, port } = await server.listen();
  assert.ok(port > 0);
  try {
    await fn(url, server, logs);
  } finally {
    await server.close();
  }
}

async function get(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

const ok: ReadinessCheck = () => undefined;
const failing = (message: string): ReadinessCheck => async () => {
  throw new Error(message);
};

describe('health server', () => {
  it('answers liveness with 200', async () => {
    await withServer({}, async (url) => {
      assert.deepEqual(await get(`${url}/healthz/live`), { status: 200, body: { status: 'ok' } });
    });
  });

  const readiness: {
    name: string;
    checks: Record<string, ReadinessCheck>;
    status: number;
    overall: string;
    results: Record<string, { status: string; error?: string }>;
  }[] = [
    { name: 'no checks registered', checks: {}, status: 200, overall: 'ok', results: {} },
    {
      name: 'every check passing',
      checks: { database: ok, ca_key: async () => 'loaded' },
      status: 200,
      overall: 'ok',
      results: { database: { status: 'ok' }, ca_key: { status: 'ok' } },
    },
    {
      name: 'one check rejecting',
      checks: { database: failing('connection refused'), ca_key: ok },
      status: 503,
      overall: 'unavailable',
      results: { database: { status: 'fail', error: 'connection refused' }, ca_key: { status: 'ok' } },
    },
    {
      name: 'a check throwing synchronously',
      checks: {
        bundle: () => {
          throw new Error('bundle not loaded');
        },
      },
      status: 503,
      overall: 'unavailable',
      results: { bundle: { status: 'fail', error: 'bundle not loaded' } },
    },
    {
      name: 'a check that never answers',
      checks: { upstream: () => new Promise(() => {}) },
      status: 503,
      overall: 'unavailable',
      results: { upstream: { status: 'fail', error: 'timed out after 50ms' } },
    },
  ];
  for (const c of readiness) {
    it(`answers readiness with ${c.status} for ${c.name}`, async () => {
      await withServer({ checks: c.checks, checkTimeoutMs: 50 }, async (url) => {
        const { status, body } = await get(`${url}/healthz/ready`);
        assert.equal(status, c.status);
        const report = body as { status: string; checks: Record<string, { status: string; error?: string; duration_ms: number }> };
        assert.equal(report.status, c.overall);
        const results = Object.fromEntries(
          Object.entries(report.checks).map(([name, r]) => {
            assert.equal(typeof r.duration_ms, 'number');
            return [name, r.error === undefined ? { status: r.status } : { status: r.status, error: r.error }];
          }),
        );
        assert.deepEqual(results, c.results);
      });
    });
  }

  it('aborts the signal of a check that times out', async () => {
    let aborted: unknown;
    const check: ReadinessCheck = (signal) =>
      new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          aborted = signal.reason;
          reject(signal.reason);
        });
      });
    await withServer({ checks: { slow: check }, checkTimeoutMs: 20 }, async (url) => {
      assert.equal((await get(`${url}/healthz/ready`)).status, 503);
      assert.match(String(aborted), /timed out after 20ms/);
    });
  });

  it('uses checks added and removed after listening', async () => {
    await withServer({}, async (url, server) => {
      server.addCheck('database', failing('down'));
      assert.equal((await get(`${url}/healthz/ready`)).status, 503);
      assert.equal(server.removeCheck('database'), true);
      assert.equal((await get(`${url}/healthz/ready`)).status, 200);
      assert.equal(server.removeCheck('database'), false);
    });
  });

  it('refuses two checks with one name', async () => {
    await withServer({ checks: { database: ok } }, async (_url, server) => {
      assert.throws(() => server.addCheck('database', ok), /already registered/);
    });
  });

  it('logs a failing check once, then its recovery', async () => {
    let healthy = false;
    const check: ReadinessCheck = () => {
      if (!healthy) throw new Error('not yet');
    };
    await withServer({ checks: { database: check } }, async (url, _server, logs) => {
      await get(`${url}/healthz/ready`);
      await get(`${url}/healthz/ready`);
      healthy = true;
      await get(`${url}/healthz/ready`);
      const messages = logs
        .records()
        .filter((r) => r['check'] !== undefined)
        .map((r) => `${String(r['msg'])}:${String(r['check'])}`);
      assert.deepEqual(messages, ['readiness check failing:database', 'readiness check recovered:database']);
    });
  });

  it('keeps registered secrets out of check errors', async () => {
    const password = 'db-password-4411';
    registerSecret(password);
    try {
      await withServer({ checks: { database: failing(`auth failed for postgres://signet:${password}@db`) } }, async (url, _s, logs) => {
        const { body } = await get(`${url}/healthz/ready`);
        const text = JSON.stringify(body);
        assert.ok(!text.includes(password));
        assert.ok(text.includes('auth failed for postgres://signet:[REDACTED]@db'));
        assert.ok(!logs.text.includes(password));
      });
    } finally {
      unregisterSecret(password);
    }
  });

  it('serves /metrics through the given handler', async () => {
    const metricsHandler: HealthServerOptions['metricsHandler'] = (_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end('signet_up 1\n');
    };
    await withServer({ metricsHandler }, async (url) => {
      const response = await fetch(`${url}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
      assert.equal(await response.text(), 'signet_up 1\n');
    });
  });

  it('has no /metrics route without a handler', async () => {
    await withServer({}, async (url) => {
      assert.equal((await fetch(`${url}/metrics`)).status, 404);
    });
  });

  it('stops accepting connections once closed', async () => {
    const logger = createLogger({ level: 'error', service: 'test', destination: captureLogs().stream });
    const server = createHealthServer({ host: '127.0.0.1', port: 0, logger });
    const { url } = await server.listen();
    await server.close();
    await assert.rejects(fetch(`${url}/healthz/live`));
  });
});
