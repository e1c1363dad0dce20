import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { X509Svid } from '@signet/spiffe';
import type { Caller } from '../api/caller.js';
import { createTestSpiffeTls } from './testing.js';
import { call, startHarness, type Harness } from './tls-harness.test-helper.js';

describe('SPIFFE mTLS listener, client certificates required', () => {
  const pki = createTestSpiffeTls('example.org');
  let h: Harness;
  before(async () => {
    h = await startHarness(pki);
  });
  after(() => h.close());

  const accepted: { name: string; id: string; method: 'GetBundle' | 'ListAuthorities' | 'MintJwtSvid'; caller: Caller }[] = [
    { name: 'an agent SVID is an agent caller', id: 'spiffe://example.org/agent/node-1', method: 'GetBundle', caller: { kind: 'agent', via: 'mtls', spiffeId: 'spiffe://example.org/agent/node-1' } },
    { name: 'an admin SVID is an admin caller', id: 'spiffe://example.org/admin/alice', method: 'ListAuthorities', caller: { kind: 'admin', via: 'mtls', spiffeId: 'spiffe://example.org/admin/alice' } },
    { name: 'a server SVID is a server caller', id: 'spiffe://example.org/signet/registrar', method: 'GetBundle', caller: { kind: 'server', via: 'mtls', spiffeId: 'spiffe://example.org/signet/registrar' } },
  ];
  for (const c of accepted) {
    test(`${c.name}`, async () => {
      h.callers.length = 0;
      await call(h.client(pki.issue(c.id)), c.method);
      assert.deepEqual(h.callers, [c.caller]);
    });
  }

  test('an agent calling an admin method is PERMISSION_DENIED', async () => {
    await assert.rejects(call(h.client(pki.issue('spiffe://example.org/agent/node-1')), 'ListAuthorities'), (err: Error & { apiCode: string }) => {
      assert.equal(err.apiCode, 'permission_denied');
      assert.equal(err.message, 'signet.ca.v1.CA/ListAuthorities is not allowed for agent callers (allowed: admin)');
      return true;
    });
  });

  test('a verified SVID the classifier does not know is anonymous with its ID: allowed where anonymous is, denied elsewhere', async () => {
    const client = h.client(pki.issue('spiffe://example.org/workload/web'));
    h.callers.length = 0;
    await call(client, 'MintJwtSvid');
    assert.equal(h.callers[0]?.kind, 'anonymous');
    assert.equal((h.callers[0] as { spiffeId?: string }).spiffeId, 'spiffe://example.org/workload/web');
    await assert.rejects(call(client, 'GetBundle'), (err: Error & { apiCode: string }) => {
      assert.equal(err.apiCode, 'permission_denied');
      assert.match(err.message, /not allowed for spiffe:\/\/example\.org\/workload\/web/);
      return true;
    });
  });

  const refused: { name: string; svid: () => X509Svid | undefined; reason: RegExp }[] = [
    { name: 'an SVID from another trust domain', svid: () => createTestSpiffeTls('other.org').issue('spiffe://other.org/agent/x'), reason: /no X\.509 bundle is known for trust domain "other\.org"/ },
    {
      name: 'an expired SVID',
      svid: () =>
        createTestSpiffeTls('example.org', { now: new Date(Date.now() - 3 * 3_600_000) }).ca.issueX509Svid('spiffe://example.org/agent/old', {
          now: new Date(Date.now() - 2 * 3_600_000),
          ttlSeconds: 3_600,
        }),
      reason: /expired|could not verify/,
    },
    { name: 'no client certificate at all', svid: () => undefined, reason: /no client certificate/ },
  ];
  for (const c of refused) {
    test(`refuses ${c.name} at the TLS layer`, async () => {
      h.logs.clear();
      const client = h.client(c.svid());
      await assert.rejects(call(client), (err: Error & { apiCode: string }) => err.apiCode === 'unavailable');
      client.close();
      const refusals = h.logs.records().filter((r) => r.msg === 'tls: refused a client without a valid X.509-SVID');
      assert.ok(
        refusals.some((r) => c.reason.test(String(r.reason))),
        `a refusal for the reason is logged (got ${JSON.stringify(refusals.map((r) => r.reason))})`,
      );
    });
  }

  test('the client refuses a server whose SPIFFE ID it does not expect', async () => {
    const client = h.client(pki.issue('spiffe://example.org/agent/node-1'), { expected: 'spiffe://example.org/signet/registrar' });
    await assert.rejects(call(client), (err: Error & { apiCode: string }) => {
      assert.equal(err.apiCode, 'unavailable');
      assert.match(err.message, /not an expected one|spiffe tls/);
      return true;
    });
  });

  test('the client refuses a server whose SVID does not chain to its bundle', async () => {
    const other = createTestSpiffeTls('example.org');
    const client = h.client(other.issue('spiffe://example.org/agent/node-1'), { pki: other });
    await assert.rejects(call(client), (err: Error & { apiCode: string }) => err.apiCode === 'unavailable');
  });
});

describe('SPIFFE mTLS listener, client certificates optional', () => {
  const pki = createTestSpiffeTls('example.org');
  let h: Harness;
  before(async () => {
    h = await startHarness(pki, { clientCertificates: 'optional' });
  });
  after(() => h.close());

  test('a client without a certificate is an anonymous TCP caller', async () => {
    h.callers.length = 0;
    await call(h.client(undefined), 'MintJwtSvid');
    assert.equal(h.callers[0]?.kind, 'anonymous');
    assert.equal(h.callers[0]?.via, 'tcp');
    assert.match(String((h.callers[0] as { address?: string }).address), /^127\.0\.0\.1:\d+$/);
  });

  test('an anonymous caller of an agent method is UNAUTHENTICATED', async () => {
    await assert.rejects(call(h.client(undefined), 'GetBundle'), (err: Error & { apiCode: string }) => err.apiCode === 'unauthenticated');
  });

  test('a certificate that does not verify makes every call UNAUTHENTICATED, with the reason', async () => {
    const stranger = createTestSpiffeTls('other.org').issue('spiffe://other.org/agent/x');
    await assert.rejects(call(h.client(stranger), 'MintJwtSvid'), (err: Error & { apiCode: string }) => {
      assert.equal(err.apiCode, 'unauthenticated');
      assert.match(err.message, /^the client certificate was rejected: .*other\.org/);
      return true;
    });
  });
});
