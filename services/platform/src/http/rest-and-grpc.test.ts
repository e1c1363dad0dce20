import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { unaryCall } from '../grpc/client-calls.js';
import { createGrpcClient } from '../grpc/client.js';
import { createGrpcServer } from '../grpc/server.js';
import { createLogger } from '../log/logger.js';
import { captureLogs } from '../testing/log-capture.js';
import { createAdminHttpServer } from './admin-server.js';
import { sendJson } from './http-test-client.test-helper.js';
import { protos, registrarSpecs } from './registrar-fixture.test-helper.js';

describe('the same handler over REST and gRPC', () => {
  test('both transports give the handler the same request and caller, and both audit the call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-both-'));
    const logs = captureLogs();
    const logger = createLogger({ level: 'info', service: 'test', destination: logs.stream });
    const registrar = registrarSpecs();
    const grpc = createGrpcServer({ logger });
    grpc.addService(protos.registrar, { CreateEntries: registrar.specs.CreateEntries });
    await grpc.listenUnix(join(dir, 'grpc.sock'), { admin: true });
    const http = createAdminHttpServer({ logger, listen: { path: join(dir, 'http.sock') } });
    http.addRoutes(registrar.routes);
    await http.listen();
    try {
      const entry = { spiffe_id: 'spiffe://example.org/a', parent_id: 'spiffe://example.org/n', selectors: [{ type: 'unix', value: 'uid:0' }], x509_svid_ttl: 60 };
      const rest = await sendJson({ socketPath: join(dir, 'http.sock') }, 'POST', '/v1/entries', { entries: [entry] });
      const client = createGrpcClient(protos.registrar, `unix://${join(dir, 'grpc.sock')}`);
      const viaGrpc = await unaryCall((cb) => client.CreateEntries({ entries: [entry] }, cb));
      client.close();

      assert.equal(registrar.received.length, 2);
      const [fromRest, fromGrpc] = registrar.received;
      assert.deepEqual(fromRest?.request, fromGrpc?.request);
      assert.deepEqual(fromRest?.ctx.caller, fromGrpc?.ctx.caller);
      assert.equal(fromRest?.ctx.method, fromGrpc?.ctx.method);
      assert.deepEqual(rest.json, JSON.parse(JSON.stringify(viaGrpc)));
      const audits = logs.records().filter((r) => r.audit === true);
      assert.deepEqual(
        audits.map((a) => [a.transport, a.method, a.caller, a.code, a.fields]),
        [
          ['http', 'signet.registrar.v1.Registrar/CreateEntries', 'admin (unix)', 'ok', { count: 1 }],
          ['grpc', 'signet.registrar.v1.Registrar/CreateEntries', 'admin (unix)', 'ok', { count: 1 }],
        ],
      );
    } finally {
      await http.close(100);
      await grpc.close(100);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
