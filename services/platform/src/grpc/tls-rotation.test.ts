import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { describe, test } from 'node:test';
import { matchMemberOf } from '@signet/spiffe';
import { FakeClock } from '../testing/fake-clock.js';
import { createGrpcClient } from './client.js';
import { createTestSpiffeTls } from './testing.js';
import { call, protos, SERVER_ID, startHarness } from './tls-harness.test-helper.js';

describe('credentials that change while the server runs', () => {
  test('connections opened after the server SVID rotates see the new certificate', async () => {
    const pki = createTestSpiffeTls('example.org');
    const serverSvid = pki.svidSource(SERVER_ID);
    const h = await startHarness(pki, { svidSource: serverSvid });
    const clientSvid = pki.issue('spiffe://example.org/agent/node-1');
    const serialSeen = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: h.port,
          ALPNProtocols: ['h2'],
          ca: pki.ca.x509Bundle().toPem(),
          cert: clientSvid.marshal().certificates,
          key: clientSvid.marshal().privateKey,
          checkServerIdentity: () => undefined,
        });
        socket.once('secureConnect', () => {
          resolve(socket.getPeerCertificate().serialNumber.toLowerCase());
          socket.destroy();
        });
        socket.once('error', reject);
      });
    try {
      const before = await serialSeen();
      assert.equal(before.replace(/^0+/, ''), serverSvid.getX509Svid().leaf.serialNumber.replace(/^0+/, ''));
      const longLived = h.client(clientSvid);
      await call(longLived);

      const next = pki.issue(SERVER_ID);
      serverSvid.set(next);
      const afterRotation = await serialSeen();
      assert.equal(afterRotation.replace(/^0+/, ''), next.leaf.serialNumber.replace(/^0+/, ''));
      assert.notEqual(afterRotation, before);
      await call(h.client(clientSvid));
      await call(longLived);
      assert.ok(h.logs.records().some((r) => r.msg === 'tls: server credentials updated'));
    } finally {
      await h.close();
    }
  });

  test('an open connection whose client SVID has since expired is UNAUTHENTICATED', async () => {
    const pki = createTestSpiffeTls('example.org');
    const clock = new FakeClock(Date.now());
    const h = await startHarness(pki, {}, clock);
    try {
      const client = h.client(pki.issue('spiffe://example.org/agent/node-1', { ttlSeconds: 600 }));
      await call(client);
      clock.advance(3_600_000);
      await assert.rejects(call(client), (err: Error & { apiCode: string }) => {
        assert.equal(err.apiCode, 'unauthenticated');
        assert.match(err.message, /expired at .*reconnect with a current one/);
        return true;
      });
    } finally {
      await h.close();
    }
  });

  test('an open connection whose authority was removed from the bundle is UNAUTHENTICATED', async () => {
    const pki = createTestSpiffeTls('example.org');
    const h = await startHarness(pki);
    try {
      const client = h.client(pki.issue('spiffe://example.org/agent/node-1'));
      await call(client);
      const replacement = createTestSpiffeTls('example.org');
      pki.bundleSource.set(replacement.ca.x509Bundle());
      await assert.rejects(call(client), (err: Error & { apiCode: string }) => {
        assert.equal(err.apiCode, 'unauthenticated');
        assert.match(err.message, /no longer trusted/);
        return true;
      });
    } finally {
      await h.close();
    }
  });

  test('a member-of matcher accepts any server of the trust domain', async () => {
    const pki = createTestSpiffeTls('example.org');
    const h = await startHarness(pki);
    try {
      const client = createGrpcClient(protos.ca, `127.0.0.1:${h.port}`, {
        svidSource: pki.svidSource('spiffe://example.org/agent/node-9'),
        bundleSource: pki.bundleSource,
        expectedServerId: matchMemberOf(pki.trustDomain),
      });
      h.clients.push(client);
      await call(client);
    } finally {
      await h.close();
    }
  });
});
