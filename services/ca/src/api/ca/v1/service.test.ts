import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createPublicKey } from 'node:crypto';
import { resetDatastore, type RegistrationEntry, type TestDatabase } from '@signet/datastore';
import { ApiError, captureLogs, createLogger, RateLimiter, toGrpcStatus, type CallContext, type Caller, type MethodSpec, type ServiceImpl } from '@signet/platform';
import { JwtBundle, parseAndValidateJwtSvid, TrustDomain, verifyX509Svid, X509Bundle } from '@signet/spiffe';
import { testEngines } from '../../../testing/engines.test-helper.js';
import { TD } from '../../../testing/manager.test-helper.js';
import { addEntry, AGENT, CALLERS, newCsr, signerHarness, type SignerHarness } from '../../../testing/signer.test-helper.js';
import { caService } from './service.js';

const logger = createLogger({ level: 'error', service: 'ca', destination: captureLogs().stream });

interface Call {
  ctx: CallContext;
  audited: Record<string, unknown>;
}

function call(caller: Caller, method: string): Call {
  const audited: Record<string, unknown> = {};
  return {
    audited,
    ctx: { caller, method: `signet.ca.v1.CA/${method}`, signal: new AbortController().signal, logger, audit: (f) => Object.assign(audited, f) },
  };
}

/** Calls a unary method as the transport would: policy first, then the handler. */
async function invoke(service: ServiceImpl, method: string, caller: Caller, request: unknown, c = call(caller, method)): Promise<any> {
  const spec = service[method] as MethodSpec;
  assert.ok(spec, `method ${method} exists`);
  if (!spec.allow.includes(caller.kind)) throw new ApiError('permission_denied', `${caller.kind} may not call ${method}`);
  assert.equal(spec.type, 'unary');
  return (spec as Extract<MethodSpec, { type: 'unary' }>).handler(request, c.ctx);
}

function x509Request(fields: Record<string, unknown> = {}) {
  return { csr: Buffer.alloc(0), entry_id: '', spiffe_id: '', ttl: 0, dns_names: [], ...fields };
}

async function expectError(promise: Promise<unknown>, code: string, field?: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.apiCode, code, err.message);
    if (field !== undefined) assert.equal(err.field, field, err.message);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

const engines = await testEngines('CA service');

describe('CA service declares every method of signet.ca.v1.CA with its policy', () => {
  it('implements each rpc of the proto, and nothing else', async () => {
    const proto = await readFile(new URL('../../../../../../proto/signet/ca/v1/ca.proto', import.meta.url), 'utf8');
    const rpcs = [...proto.matchAll(/rpc (\w+)\(/g)].map((m) => m[1]).sort();
    const service = caService({ trustDomain: TD, signer: {} as never, authorities: {} as never });
    assert.deepEqual(Object.keys(service).sort(), rpcs);
    const policy = Object.fromEntries(Object.entries(service).map(([name, spec]) => [name, [...spec.allow].sort().join(',')]));
    assert.deepEqual(policy, {
      MintX509Svid: 'admin,agent,server',
      BatchMintX509Svid: 'admin,agent,server',
      MintJwtSvid: 'admin,agent',
      GetBundle: 'admin,agent,server',
      ListAuthorities: 'admin',
      PrepareAuthority: 'admin',
      ActivateAuthority: 'admin',
      TaintAuthority: 'admin',
      RevokeAuthority: 'admin',
    });
  });
});

for (const engine of engines) {
  describe(`CA service on ${engine.name}`, () => {
    let t: TestDatabase;
    let h: SignerHarness;
    let service: ServiceImpl;
    let web: RegistrationEntry;
    let foreign: RegistrationEntry;
    before(async () => {
      t = await engine.open();
    });
    after(async () => t.dispose());
    afterEach(async () => h.ledger.close());
    beforeEach(async () => {
      await resetDatastore(t.db);
      h = await signerHarness(t.db);
      const limiter = new RateLimiter({ ratePerSecond: 1, burst: 5, clock: h.clock });
      service = caService({ trustDomain: TD, signer: h.signer, authorities: h.manager, limiter, maxBatch: 3 });
      web = await addEntry(t.db, 'web');
      foreign = await addEntry(t.db, 'billing', { parentId: 'spiffe://example.org/spire/agent/join_token/node-2' });
    });

    describe('MintX509Svid', () => {
      const badCsr = (): Buffer => {
        const der = Buffer.from(newCsr().csr);
        der[der.length - 1]! ^= 0xff;
        return der;
      };
      const cases: [string, Caller, () => Record<string, unknown>, string, string, RegExp?][] = [
        ['no CSR', CALLERS.agent, () => ({ entry_id: web.id }), 'invalid_argument', 'csr'],
        ['malformed CSR', CALLERS.agent, () => ({ csr: Buffer.from([1, 2, 3]), entry_id: web.id }), 'invalid_argument', 'csr'],
        ['bad CSR signature', CALLERS.agent, () => ({ csr: badCsr(), entry_id: web.id }), 'invalid_argument', 'csr', /signature/],
        ['unknown entry', CALLERS.agent, () => ({ csr: Buffer.from(newCsr().csr), entry_id: 'nope' }), 'not_found', 'entry_id'],
        ['entry not served by this agent', CALLERS.agent, () => ({ csr: Buffer.from(newCsr().csr), entry_id: foreign.id }), 'permission_denied', 'entry_id'],
        ['ID outside the trust domain', CALLERS.admin, () => ({ csr: Buffer.from(newCsr().csr), spiffe_id: 'spiffe://elsewhere.org/web' }), 'invalid_argument', 'spiffe_id'],
        ['negative ttl', CALLERS.agent, () => ({ csr: Buffer.from(newCsr().csr), entry_id: web.id, ttl: -1 }), 'invalid_argument', 'ttl'],
        ['a server naming an entry', CALLERS.server, () => ({ csr: Buffer.from(newCsr().csr), entry_id: web.id }), 'invalid_argument', 'entry_id'],
        ['a server asking for a workload ID', CALLERS.server, () => ({ csr: Buffer.from(newCsr().csr), spiffe_id: 'spiffe://example.org/web' }), 'invalid_argument', 'spiffe_id'],
      ];
      for (const [name, caller, fields, code, field, message] of cases) {
        it(`refuses: ${name}`, () => expectError(invoke(service, 'MintX509Svid', caller, x509Request(fields())), code, field, message));
      }

      it('signs for an agent, with the chain, expiry, authority and serial, and audits them', async () => {
        const c = call(CALLERS.agent, 'MintX509Svid');
        const res = await invoke(service, 'MintX509Svid', CALLERS.agent, x509Request({ csr: Buffer.from(newCsr().csr), entry_id: web.id }), c);
        assert.equal(res.cert_chain.length, 2);
        assert.equal(res.expires_at, String(h.clock.nowMs() / 1000 + 3600));
        assert.equal(res.authority_id, h.manager.activeX509().authority.id);
        assert.match(res.serial_number, /^[0-9a-f]{32}$/);
        const bundle = X509Bundle.fromAuthorities(TD, [h.manager.activeX509().authority.certificate!]);
        assert.equal(verifyX509Svid(res.cert_chain, bundle, { now: h.clock.now() }).id.toString(), 'spiffe://example.org/web');
        assert.deepEqual(c.audited, {
          spiffe_id: 'spiffe://example.org/web',
          entry_id: web.id,
          serial: res.serial_number,
          authority_id: res.authority_id,
          expires_at: new Date(Number(res.expires_at) * 1000).toISOString(),
        });
      });

      it('signs agent SVIDs for the attestation service', async () => {
        const res = await invoke(service, 'MintX509Svid', CALLERS.server, x509Request({ csr: Buffer.from(newCsr().csr), spiffe_id: AGENT }));
        assert.equal(res.cert_chain.length, 2);
      });

      it('answers RESOURCE_EXHAUSTED with a retry-after once a caller spends its burst', async () => {
        for (let i = 0; i < 5; i++) await invoke(service, 'MintX509Svid', CALLERS.agent, x509Request({ csr: Buffer.from(newCsr().csr), entry_id: web.id }));
        const limited = invoke(service, 'MintX509Svid', CALLERS.agent, x509Request({ csr: Buffer.from(newCsr().csr), entry_id: web.id }));
        await assert.rejects(limited, (err: unknown) => {
          assert.ok(err instanceof ApiError);
          assert.equal(err.apiCode, 'resource_exhausted');
          assert.equal(err.retryAfterMs, 1000);
          assert.equal(toGrpcStatus(err).code, 8);
          return true;
        });
        await invoke(service, 'MintX509Svid', CALLERS.admin, x509Request({ csr: Buffer.from(newCsr().csr), spiffe_id: 'spiffe://example.org/x' }));
        h.clock.advance(1000);
        await invoke(service, 'MintX509Svid', CALLERS.agent, x509Request({ csr: Buffer.from(newCsr().csr), entry_id: web.id }));
      });
    });

    describe('BatchMintX509Svid', () => {
      it('answers each request with its own status', async () => {
        const res = await invoke(service, 'BatchMintX509Svid', CALLERS.agent, {
          requests: [
            x509Request({ csr: Buffer.from(newCsr().csr), entry_id: web.id }),
            x509Request({ csr: Buffer.from(newCsr().csr), entry_id: foreign.id }),
            x509Request({ csr: Buffer.from([0]), entry_id: web.id }),
          ],
        });
        assert.deepEqual(
          res.results.map((r: any) => [r.status.code, r.status.field, r.svid === null]),
          [
            [0, '', false],
            [7, 'requests[1].entry_id', true],
            [3, 'requests[2].csr', true],
          ],
        );
        assert.match(res.results[2].status.message, /^requests\[2\]\.csr: /);
      });
      it('spends one token of the rate limit per request', async () => {
        const three = () => Array.from({ length: 3 }, () => x509Request({ csr: Buffer.from(newCsr().csr), entry_id: web.id }));
        await invoke(service, 'BatchMintX509Svid', CALLERS.agent, { requests: three() });
        await expectError(invoke(service, 'BatchMintX509Svid', CALLERS.agent, { requests: three() }), 'resource_exhausted');
        h.clock.advance(1000);
        await invoke(service, 'MintX509Svid', CALLERS.agent, x509Request({ csr: Buffer.from(newCsr().csr), entry_id: web.id }));
      });
      it('refuses an empty batch and one beyond the limit', async () => {
        await expectError(invoke(service, 'BatchMintX509Svid', CALLERS.agent, { requests: [] }), 'invalid_argument', 'requests');
        const four = Array.from({ length: 4 }, () => x509Request({ csr: Buffer.from(newCsr().csr), entry_id: web.id }));
        await expectError(invoke(service, 'BatchMintX509Svid', CALLERS.agent, { requests: four }), 'invalid_argument', 'requests');
      });
    });

    describe('MintJwtSvid and GetBundle', () => {
      it('mints a JWT-SVID that validates against the bundle GetBundle returns', async () => {
        const jwt = await invoke(service, 'MintJwtSvid', CALLERS.agent, { entry_id: web.id, spiffe_id: '', audience: ['spiffe://example.org/db'], ttl: 0 });
        assert.equal(jwt.key_id, h.manager.activeJwt().keyId);
        const bundle = await invoke(service, 'GetBundle', CALLERS.agent, {});
        assert.equal(bundle.trust_domain, 'example.org');
        assert.equal(bundle.sequence_number, '1');
        assert.equal(bundle.refresh_hint, '300');
        assert.deepEqual(bundle.x509_authorities, [Buffer.from(h.manager.activeX509().authority.certificate!)]);
        assert.deepEqual(
          bundle.jwt_authorities.map((k: any) => [k.key_id, k.expires_at]),
          [[jwt.key_id, String(h.manager.activeJwt().authority.notAfter.getTime() / 1000)]],
        );
        const keys = JwtBundle.fromKeys(TrustDomain.parse(bundle.trust_domain), bundle.jwt_authorities.map((k: any) => [k.key_id, createPublicKey({ key: k.public_key, format: 'der', type: 'spki' })]));
        const svid = parseAndValidateJwtSvid(jwt.token, keys, { audience: 'spiffe://example.org/db', now: h.clock.now() });
        assert.equal(svid.id.toString(), 'spiffe://example.org/web');
        assert.equal(jwt.expires_at, String(svid.expiresAt.getTime() / 1000));
      });
      it('refuses a JWT-SVID without audience', () =>
        expectError(invoke(service, 'MintJwtSvid', CALLERS.agent, { entry_id: web.id, spiffe_id: '', audience: [], ttl: 0 }), 'invalid_argument', 'audience'));
    });

    describe('authorities', () => {
      it('lists them, all or by kind, and refuses an unknown kind', async () => {
        assert.equal((await invoke(service, 'ListAuthorities', CALLERS.admin, { kind: '' })).authorities.length, 2);
        const x509 = (await invoke(service, 'ListAuthorities', CALLERS.admin, { kind: 'x509' })).authorities;
        assert.deepEqual(x509.map((a: any) => [a.kind, a.state, a.key_id.length]), [['x509', 'active', 40]]);
        assert.equal(x509[0].activated_at, String(h.clock.nowMs() / 1000));
        await expectError(invoke(service, 'ListAuthorities', CALLERS.admin, { kind: 'rsa' }), 'invalid_argument', 'kind');
      });

      it('drives a forced rotation: prepare, activate, taint, revoke, with audit fields', async () => {
        const first = h.manager.activeX509().authority.id;
        await expectError(invoke(service, 'PrepareAuthority', CALLERS.admin, { kind: 'pgp' }), 'invalid_argument', 'kind');
        const c = call(CALLERS.admin, 'PrepareAuthority');
        const prepared = await invoke(service, 'PrepareAuthority', CALLERS.admin, { kind: 'x509' }, c);
        assert.equal(prepared.state, 'prepared');
        assert.deepEqual(c.audited, { kind: 'x509', authority_id: prepared.id });
        await expectError(invoke(service, 'RevokeAuthority', CALLERS.admin, { kind: 'x509', id: first }), 'failed_precondition', 'id');
        const active = await invoke(service, 'ActivateAuthority', CALLERS.admin, { kind: 'x509', id: '' });
        assert.equal(active.id, prepared.id);
        await expectError(invoke(service, 'TaintAuthority', CALLERS.admin, { kind: 'x509', id: '' }), 'invalid_argument', 'id');
        await expectError(invoke(service, 'TaintAuthority', CALLERS.admin, { kind: 'x509', id: 'unknown' }), 'not_found', 'id');
        assert.equal((await invoke(service, 'TaintAuthority', CALLERS.admin, { kind: 'x509', id: first })).state, 'tainted');
        const revoked = await invoke(service, 'RevokeAuthority', CALLERS.admin, { kind: 'x509', id: first });
        assert.equal(revoked.state, 'revoked');
        assert.notEqual(revoked.revoked_at, '0');
        const bundle = await invoke(service, 'GetBundle', CALLERS.admin, {});
        assert.deepEqual(bundle.x509_authorities, [Buffer.from(h.manager.activeX509().authority.certificate!)]);
      });

      it('keeps authority management for admins', async () => {
        await expectError(invoke(service, 'PrepareAuthority', CALLERS.agent, { kind: 'x509' }), 'permission_denied');
      });
    });
  });
}
