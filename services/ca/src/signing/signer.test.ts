import assert from 'node:assert/strict';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { listIssuancesByAuthority, resetDatastore, type RegistrationEntry, type TestDatabase } from '@signet/datastore';
import { ApiError, FAKE_CLOCK_START, type Caller } from '@signet/platform';
import { parseAndValidateJwtSvid, SpiffeId, verifyX509Svid } from '@signet/spiffe';
import type { KeyType } from '../keymanager/key-types.js';
import { testEngines } from '../testing/engines.test-helper.js';
import { HOUR } from '../testing/manager.test-helper.js';
import { addEntry, AGENT, CALLERS, newCsr, publishedBundle, signerHarness, type SignerHarness } from '../testing/signer.test-helper.js';
import type { X509SvidRequest } from './requests.js';

type Expected = { spiffeId: string; dnsNames?: string[]; nodeId?: string | null } | { code: string; field?: string };

function expectFailure(err: unknown, expected: { code: string; field?: string }): void {
  assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
  assert.equal(err.apiCode, expected.code, err.message);
  if (expected.field !== undefined) assert.equal(err.field, expected.field, err.message);
}

for (const engine of await testEngines('signer')) {
  describe(`signer on ${engine.name}`, () => {
    let t: TestDatabase;
    let h: SignerHarness;
    let web: RegistrationEntry;
    let short: RegistrationEntry;
    let foreign: RegistrationEntry;
    let agentLike: RegistrationEntry;
    let expired: RegistrationEntry;
    before(async () => {
      t = await engine.open();
    });
    after(async () => t.dispose());
    afterEach(async () => h.ledger.close());
    beforeEach(async () => {
      await resetDatastore(t.db);
      h = await signerHarness(t.db, { signer: { jwtIssuer: 'https://issuer.example.org' } });
      web = await addEntry(t.db, 'web', { dnsNames: ['web.example.org'] });
      short = await addEntry(t.db, 'short', { x509SvidTtl: 600, jwtSvidTtl: 60 });
      foreign = await addEntry(t.db, 'billing', { parentId: 'spiffe://example.org/spire/agent/join_token/node-2' });
      agentLike = await addEntry(t.db, 'spire/agent/join_token/node-9');
      expired = await addEntry(t.db, 'gone', { expiresAt: new Date(FAKE_CLOCK_START - 1000) });
    });

    describe('X.509-SVID authorization', () => {
      const cases: [string, Caller, () => X509SvidRequest, Expected][] = [
        ['an agent gets an entry it serves', CALLERS.agent, () => ({ entryId: web.id }), { spiffeId: 'spiffe://example.org/web', dnsNames: ['web.example.org'], nodeId: AGENT }],
        ["an agent is denied another node's entry", CALLERS.agent, () => ({ entryId: foreign.id }), { code: 'permission_denied', field: 'entry_id' }],
        ['an agent asking for an unknown entry', CALLERS.agent, () => ({ entryId: 'no-such-entry' }), { code: 'not_found', field: 'entry_id' }],
        ['an agent without an entry', CALLERS.agent, () => ({}), { code: 'invalid_argument', field: 'entry_id' }],
        ['an agent naming a SPIFFE ID', CALLERS.agent, () => ({ entryId: web.id, spiffeId: 'spiffe://example.org/web' }), { code: 'invalid_argument', field: 'spiffe_id' }],
        ['an agent adding DNS names', CALLERS.agent, () => ({ entryId: web.id, dnsNames: ['evil.example.org'] }), { code: 'invalid_argument', field: 'dns_names' }],
        ['an agent asking for an entry in the agent namespace', CALLERS.agent, () => ({ entryId: agentLike.id }), { code: 'permission_denied', field: 'entry_id' }],
        ['an agent asking for an expired entry', CALLERS.agent, () => ({ entryId: expired.id }), { code: 'failed_precondition', field: 'entry_id' }],
        ['an admin gets any ID of the trust domain', CALLERS.admin, () => ({ spiffeId: 'spiffe://example.org/ops/tool' }), { spiffeId: 'spiffe://example.org/ops/tool', dnsNames: [], nodeId: null }],
        ["an admin gets an entry's ID with extra DNS names", CALLERS.admin, () => ({ entryId: web.id, dnsNames: ['alt.example.org'] }), { spiffeId: 'spiffe://example.org/web', dnsNames: ['web.example.org', 'alt.example.org'], nodeId: null }],
        ['an admin asking for an ID outside the trust domain', CALLERS.admin, () => ({ spiffeId: 'spiffe://other.org/web' }), { code: 'invalid_argument', field: 'spiffe_id' }],
        ['an admin asking for a malformed ID', CALLERS.admin, () => ({ spiffeId: 'https://example.org/web' }), { code: 'invalid_argument', field: 'spiffe_id' }],
        ['an admin asking for the trust domain ID', CALLERS.admin, () => ({ spiffeId: 'spiffe://example.org' }), { code: 'invalid_argument', field: 'spiffe_id' }],
        ['an admin naming neither entry nor ID', CALLERS.admin, () => ({}), { code: 'invalid_argument', field: 'entry_id' }],
        ['an admin naming both', CALLERS.admin, () => ({ entryId: web.id, spiffeId: 'spiffe://example.org/x' }), { code: 'invalid_argument', field: 'spiffe_id' }],
        ['an admin asking for a bad DNS name', CALLERS.admin, () => ({ spiffeId: 'spiffe://example.org/x', dnsNames: ['not a name'] }), { code: 'invalid_argument', field: 'dns_names' }],
        ['a server asking for a workload SVID', CALLERS.server, () => ({ entryId: web.id }), { code: 'permission_denied' }],
        ['an anonymous caller', CALLERS.anonymous, () => ({ entryId: web.id }), { code: 'unauthenticated' }],
      ];
      for (const [name, caller, request, expected] of cases) {
        it(name, async () => {
          const { csr } = newCsr();
          let svid;
          try {
            svid = await h.signer.signX509Svid(caller, { csr, ...request() });
          } catch (err) {
            if ('code' in expected) return expectFailure(err, expected);
            throw err;
          }
          assert.ok(!('code' in expected), `expected ${JSON.stringify(expected)}, got an SVID`);
          const bundle = await publishedBundle(t.db);
          const verified = verifyX509Svid(svid.certChain, bundle, { now: h.clock.now() });
          assert.equal(verified.id.toString(), expected.spiffeId);
          assert.deepEqual(new X509Certificate(svid.certChain[0]!).subjectAltName?.split(', ').filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)), expected.dnsNames);
          await h.ledger.flush();
          const rows = (await listIssuancesByAuthority(t.db, svid.authorityId)).items;
          assert.equal(rows.length, 1);
          assert.equal(rows[0]?.serial, svid.serialNumber);
          assert.equal(rows[0]?.nodeId, expected.nodeId);
          assert.equal(rows[0]?.spiffeId, expected.spiffeId);
        });
      }
    });

    describe('agent X.509-SVIDs', () => {
      const cases: [string, Caller, string, Expected][] = [
        ['the attestation service gets an agent ID', CALLERS.server, AGENT, { spiffeId: AGENT, nodeId: AGENT }],
        ['an admin gets an agent ID', CALLERS.admin, AGENT, { spiffeId: AGENT, nodeId: AGENT }],
        ['the attestation service asking for a workload ID', CALLERS.server, 'spiffe://example.org/web', { code: 'invalid_argument', field: 'spiffe_id' }],
        ['the attestation service asking outside the trust domain', CALLERS.server, 'spiffe://other.org/spire/agent/x', { code: 'invalid_argument', field: 'spiffe_id' }],
        ['an agent asking for an agent SVID', CALLERS.agent, AGENT, { code: 'permission_denied' }],
      ];
      for (const [name, caller, spiffeId, expected] of cases) {
        it(name, async () => {
          try {
            const svid = await h.signer.signAgentX509Svid(caller, { csr: newCsr().csr, spiffeId });
            assert.ok(!('code' in expected));
            assert.equal(svid.spiffeId, expected.spiffeId);
            assert.equal(svid.expiresAt.getTime(), h.clock.nowMs() + 7200_000, 'the agent SVID lifetime');
            await h.ledger.flush();
            assert.equal((await listIssuancesByAuthority(t.db, svid.authorityId)).items[0]?.nodeId, expected.nodeId);
          } catch (err) {
            if (!('code' in expected)) throw err;
            expectFailure(err, expected);
          }
        });
      }
    });

    describe('lifetimes', () => {
      it("is capped by the entry's lifetime", async () => {
        const svid = await h.signer.signX509Svid(CALLERS.agent, { csr: newCsr().csr, entryId: short.id, ttlSeconds: 3600 });
        assert.equal(svid.expiresAt.getTime(), h.clock.nowMs() + 600_000);
      });
      it('is capped by the default without an entry lifetime', async () => {
        const svid = await h.signer.signX509Svid(CALLERS.agent, { csr: newCsr().csr, entryId: web.id, ttlSeconds: 7200 });
        assert.equal(svid.expiresAt.getTime(), h.clock.nowMs() + 3600_000);
      });
      it('is what was asked when shorter', async () => {
        const svid = await h.signer.signX509Svid(CALLERS.agent, { csr: newCsr().csr, entryId: web.id, ttlSeconds: 120 });
        assert.equal(svid.expiresAt.getTime(), h.clock.nowMs() + 120_000);
      });
      it('never outlives the signing authority', async () => {
        const authority = h.manager.activeX509().authority;
        h.clock.advanceTo(authority.notAfter.getTime() - 30 * 60_000);
        const svid = await h.signer.signX509Svid(CALLERS.agent, { csr: newCsr().csr, entryId: web.id });
        assert.equal(svid.expiresAt.getTime(), authority.notAfter.getTime());
        const jwt = await h.signer.signJwtSvid(CALLERS.agent, { entryId: web.id, audience: ['a'] });
        assert.equal(jwt.expiresAt.getTime(), h.clock.nowMs() + 300_000);
      });
      it('refuses a negative lifetime', async () => {
        await assert.rejects(h.signer.signX509Svid(CALLERS.agent, { csr: newCsr().csr, entryId: web.id, ttlSeconds: -5 }), (err) => {
          expectFailure(err, { code: 'invalid_argument', field: 'ttl' });
          return true;
        });
      });
    });

    describe('JWT-SVIDs', () => {
      it('validate against the published bundle, with kid, iss and jti, and are recorded', async () => {
        const svid = await h.signer.signJwtSvid(CALLERS.agent, { entryId: web.id, audience: ['spiffe://example.org/db'] });
        const bundle = await publishedBundle(t.db);
        const validated = parseAndValidateJwtSvid(svid.token, bundle, { audience: 'spiffe://example.org/db', now: h.clock.now() });
        assert.equal(validated.id.toString(), 'spiffe://example.org/web');
        assert.equal(validated.header.kid, h.manager.activeJwt().keyId);
        assert.equal(validated.claims['iss'], 'https://issuer.example.org');
        assert.equal(svid.expiresAt.getTime(), h.clock.nowMs() + 300_000);
        await h.ledger.flush();
        const rows = (await listIssuancesByAuthority(t.db, svid.authorityId)).items;
        assert.deepEqual(rows.map((r) => [r.kind, r.serial, r.entryId, r.nodeId]), [['jwt', validated.claims['jti'], web.id, AGENT]]);
      });
      it("use the entry's JWT lifetime", async () => {
        const svid = await h.signer.signJwtSvid(CALLERS.agent, { entryId: short.id, audience: ['a'] });
        assert.equal(svid.expiresAt.getTime(), h.clock.nowMs() + 60_000);
      });
      const bad: [string, Caller, { entryId?: string; spiffeId?: string; audience: string[] }, { code: string; field?: string }][] = [
        ['without an audience', CALLERS.agent, { audience: [] }, { code: 'invalid_argument', field: 'audience' }],
        ['with an empty audience', CALLERS.agent, { audience: ['a', ''] }, { code: 'invalid_argument', field: 'audience[1]' }],
        ["for another node's entry", CALLERS.agent, { audience: ['a'] }, { code: 'permission_denied', field: 'entry_id' }],
        ['for an ID outside the trust domain (admin)', CALLERS.admin, { spiffeId: 'spiffe://evil.org/x', audience: ['a'] }, { code: 'invalid_argument', field: 'spiffe_id' }],
      ];
      for (const [name, caller, request, expected] of bad) {
        it(`are refused ${name}`, async () => {
          const req = name.includes("another node") ? { ...request, entryId: foreign.id } : { entryId: request.spiffeId ? undefined : web.id, ...request };
          await assert.rejects(h.signer.signJwtSvid(caller, req), (err) => {
            expectFailure(err, expected);
            return true;
          });
        });
      }
    });

    it('records every issuance in the ledger in batches', async () => {
      const svids = await Promise.all(Array.from({ length: 25 }, () => h.signer.signX509Svid(CALLERS.admin, { csr: newCsr().csr, spiffeId: 'spiffe://example.org/batch' })));
      assert.equal(h.ledger.pending, 25);
      await h.ledger.flush();
      const rows = (await listIssuancesByAuthority(t.db, svids[0]!.authorityId)).items;
      assert.deepEqual(rows.map((r) => r.serial).sort(), svids.map((s) => s.serialNumber).sort());
      assert.ok(rows.every((r) => r.expiresAt.getTime() === h.clock.nowMs() + HOUR * 1000 && r.kind === 'x509'));
    });

    it('signs from a public key as well as from a CSR, and refuses a bad one', async () => {
      const { privateKey } = newCsr();
      const publicKey = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
      await assert.rejects(h.signer.signX509Svid(CALLERS.admin, { spiffeId: 'spiffe://example.org/k', publicKey: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })) }), (err) => {
        expectFailure(err, { code: 'invalid_argument', field: 'public_key' });
        return true;
      });
      const svid = await h.signer.signX509Svid(CALLERS.admin, { spiffeId: 'spiffe://example.org/k', publicKey });
      assert.ok(new X509Certificate(svid.certChain[0]!).checkPrivateKey(privateKey));
    });
  });

  describe(`key types on ${engine.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await engine.open();
    });
    after(async () => t.dispose());
    const types: [KeyType, KeyType][] = [
      ['ec-p384', 'ec-p384'],
      ['rsa-2048', 'rsa-2048'],
      ['rsa-4096', 'ec-p256'],
    ];
    for (const [x509KeyType, jwtKeyType] of types) {
      it(`a ${x509KeyType} CA and a ${jwtKeyType} JWT key sign SVIDs that verify against the bundle`, async () => {
        await resetDatastore(t.db);
        const h = await signerHarness(t.db, { x509KeyType, jwtKeyType });
        const id = SpiffeId.parse('spiffe://example.org/typed');
        const svid = await h.signer.signX509Svid(CALLERS.admin, { csr: newCsr().csr, spiffeId: id.toString() });
        const bundle = await publishedBundle(t.db);
        assert.ok(verifyX509Svid(svid.certChain, bundle, { now: h.clock.now() }).id.equals(id));
        const jwt = await h.signer.signJwtSvid(CALLERS.admin, { spiffeId: id.toString(), audience: ['aud'] });
        assert.ok(parseAndValidateJwtSvid(jwt.token, bundle, { audience: 'aud', now: h.clock.now() }).id.equals(id));
        const ca = new X509Certificate(h.manager.activeX509().authority.certificate!);
        assert.equal(ca.publicKey.asymmetricKeyType, x509KeyType.startsWith('rsa') ? 'rsa' : 'ec');
      });
    }
  });
}
