import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestSpiffeTls } from '../grpc/testing.js';
import type { PeerClassifier } from '../grpc/tls/sources.js';
import { createLogger } from '../log/logger.js';
import { captureLogs } from '../testing/log-capture.js';
import { createAdminHttpServer, type AdminHttpServer } from './admin-server.js';
import { sendJson } from './http-test-client.test-helper.js';
import { registrarSpecs } from './registrar-fixture.test-helper.js';

describe('REST admin API over TCP with SPIFFE mTLS', () => {
  const pki = createTestSpiffeTls('example.org');
  const classifyPeer: PeerClassifier = (id) => (id.path.startsWith('/admin/') ? 'admin' : id.path.startsWith('/agent/') ? 'agent' : undefined);
  const registrar = registrarSpecs();
  let http: AdminHttpServer;
  let port: number;
  const ca = pki.ca.x509Bundle().toPem();

  before(async () => {
    http = createAdminHttpServer({
      logger: createLogger({ level: 'warn', service: 'test', destination: captureLogs().stream }),
      listen: { host: '127.0.0.1', port: 0, tls: { svidSource: pki.svidSource('spiffe://example.org/signet/registrar'), bundleSource: pki.bundleSource } },
      classifyPeer,
    });
    http.addRoutes(registrar.routes);
    const address = await http.listen();
    assert.equal(address.kind, 'tcp');
    port = address.kind === 'tcp' ? address.port : 0;
  });
  after(() => http.close(100));

  const cases: { name: string; svid: () => ReturnType<typeof pki.issue> | undefined; status: number; code?: string; message?: RegExp; ran: boolean }[] = [
    { name: 'a request without a client certificate is 401 and changes nothing', svid: () => undefined, status: 401, code: 'unauthenticated', message: /client certificate \(X\.509-SVID\) is required/, ran: false },
    {
      name: 'a certificate from another trust domain is 401 with the reason',
      svid: () => createTestSpiffeTls('other.org').issue('spiffe://other.org/admin/eve'),
      status: 401,
      code: 'unauthenticated',
      message: /rejected: .*other\.org/,
      ran: false,
    },
    { name: 'an agent calling an admin route is 403', svid: () => pki.issue('spiffe://example.org/agent/n1'), status: 403, code: 'permission_denied', message: /not allowed for agent callers/, ran: false },
    { name: 'an unclassified SPIFFE ID is 403', svid: () => pki.issue('spiffe://example.org/workload/w'), status: 403, code: 'permission_denied', ran: false },
    { name: 'an admin SVID may create entries', svid: () => pki.issue('spiffe://example.org/admin/alice'), status: 200, ran: true },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const before = registrar.received.length;
      const svid = c.svid();
      const res = await sendJson({ port, tls: { ca, ...(svid === undefined ? {} : { svid }) } }, 'POST', '/v1/entries', {
        entries: [{ spiffe_id: 'spiffe://example.org/a', parent_id: 'spiffe://example.org/n', selectors: [] }],
      });
      assert.equal(res.status, c.status);
      if (c.code) assert.equal((res.json as { error: { code: string } }).error.code, c.code);
      if (c.message) assert.match((res.json as { error: { message: string } }).error.message, c.message);
      assert.equal(registrar.received.length - before, c.ran ? 1 : 0);
      if (c.ran) assert.deepEqual(registrar.received.at(-1)?.ctx.caller, { kind: 'admin', via: 'mtls', spiffeId: 'spiffe://example.org/admin/alice' });
    });
  }
});
