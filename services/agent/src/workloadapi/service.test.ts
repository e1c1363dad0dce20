// The Workload API service over real gRPC on a Unix socket, serving from a real identity cache
// whose SVIDs a real (in-process) CA signs. The caller's selectors are fixed per test: workload
// attestation from peer credentials is tested with the endpoint.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, Server, ServerCredentials, type ClientReadableStream } from '@grpc/grpc-js';
import { createGrpcClient, FakeClock, signetProtos, unaryCall, type SpiffeWorkloadAPIClient } from '@signet/platform';
import { TestCa } from '@signet/spiffe/testing';
import { IdentityCache } from '../cache/identity-cache.js';
import { JwtSvidCache } from '../cache/jwt-cache.js';
import { SvidIssuer } from '../cache/svid-issuer.js';
import type { Selector } from '../domain/selectors.js';
import type { CallerAttestation } from '../endpoint/types.js';
import { change, quietLogger, snapshot, testBundle, testEntry } from '../testing/fixtures.js';
import { TestSigner } from '../testing/test-signer.js';
import { workloadApiMetrics } from './metrics.js';
import { createWorkloadApiService } from './service.js';

const TD = 'example.org';

interface X509Res {
  svids: Array<{ spiffe_id: string; hint: string }>;
  federated_bundles: Record<string, Buffer>;
}

function md(): Metadata {
  const m = new Metadata();
  m.set('workload.spiffe.io', 'true');
  return m;
}

/** Collects the messages of a server stream until it ends. */
function collect<T>(call: ClientReadableStream<unknown>) {
  const messages: T[] = [];
  let error: { code: number; details: string } | undefined;
  const ended = new Promise<void>((resolve) => {
    call.on('data', (m: unknown) => messages.push(m as T));
    call.on('error', (e: { code: number; details: string }) => {
      error = e;
      resolve();
    });
    call.on('end', () => resolve());
  });
  return { messages, ended, error: () => error };
}

const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe('SPIFFE Workload API service', () => {
  let dir = '';
  let server: Server;
  let client: SpiffeWorkloadAPIClient;
  let selectors: Selector[] = [{ type: 'unix', value: 'uid:1000' }];
  const clock = new FakeClock(new Date());
  const ca = TestCa.create(TD, { now: new Date(clock.nowMs() - 60_000), ttlSeconds: 86400 });
  const partner = TestCa.create('partner.org');
  const cache = new IdentityCache({ trustDomain: TD, clock });
  const signer = new TestSigner(ca, () => clock.now());
  const issuer = new SvidIssuer({ cache, signer, clock, logger: quietLogger() });
  const web = testEntry({ spiffeId: `spiffe://${TD}/web`, hint: 'internal', federatesWith: ['partner.org'] });

  before(async () => {
    signer.entries.set(web.id, web);
    cache.applySync(snapshot(1, [web], [testBundle(ca), testBundle(partner)]));
    issuer.start();
    await issuer.idle();
    const attestation: CallerAttestation = { attestCaller: async (call) => ({ peer: { credentials: { pid: 1, uid: 1000, gid: 1000 }, isSameProcess: () => true }, selectors: call ? selectors : [] }) };
    const jwt = new JwtSvidCache({ signer, clock });
    const svc = createWorkloadApiService({ attestation, cache, jwt, clock, logger: quietLogger(), metrics: workloadApiMetrics(), pendingTimeoutMs: 1_000 });
    dir = await mkdtemp(join(tmpdir(), 'signet-wlapi-'));
    server = new Server();
    server.addService(svc.definition, svc.implementation);
    await new Promise<void>((resolve, reject) => server.bindAsync(`unix:${join(dir, 'api.sock')}`, ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
    client = createGrpcClient(signetProtos().workload, `unix://${join(dir, 'api.sock')}`);
  });

  after(async () => {
    client.close();
    server.forceShutdown();
    await issuer.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams the SVID with its hint and the federated bundles its entry federates with', async () => {
    const s = collect<X509Res>(client.FetchX509SVID({}, md()));
    await settle();
    assert.equal(s.messages.length, 1);
    assert.equal(s.messages[0]!.svids[0]!.spiffe_id, `spiffe://${TD}/web`);
    assert.equal(s.messages[0]!.svids[0]!.hint, 'internal');
    assert.deepEqual(Object.keys(s.messages[0]!.federated_bundles), ['spiffe://partner.org']);
  });

  it('sends an update when the content changes, and nothing when it does not', async () => {
    const call = client.FetchX509SVID({}, md());
    const s = collect<X509Res>(call);
    await settle();
    assert.equal(s.messages.length, 1);
    // An unchanged bundle re-sent by the control plane: nothing to send.
    cache.applySync(change(2, { bundles: [testBundle(ca, [], 2n)] }));
    await settle();
    assert.equal(s.messages.length, 1, 'identical content is not resent');
    // A new entry for this workload: one update holding both SVIDs.
    const api = testEntry({ spiffeId: `spiffe://${TD}/api` });
    signer.entries.set(api.id, api);
    cache.applySync(change(3, { upserts: [api] }));
    await issuer.idle();
    await settle();
    assert.equal(s.messages.length, 2);
    assert.deepEqual(s.messages[1]!.svids.map((v) => v.spiffe_id).sort(), [`spiffe://${TD}/api`, `spiffe://${TD}/web`]);
    cache.applySync(change(4, { removals: [api.id] }));
    await settle();
    assert.equal(s.messages.length, 3, 'a removal is an update too');
    call.cancel();
  });

  it('ends a stream with PermissionDenied when the caller loses its last identity', async () => {
    const other = testEntry({ spiffeId: `spiffe://${TD}/batch`, selectors: [{ type: 'unix', value: 'uid:2000' }] });
    signer.entries.set(other.id, other);
    cache.applySync(change(5, { upserts: [other] }));
    await issuer.idle();
    selectors = [{ type: 'unix', value: 'uid:2000' }];
    const s = collect<X509Res>(client.FetchX509SVID({}, md()));
    await settle();
    selectors = [{ type: 'unix', value: 'uid:1000' }];
    assert.equal(s.messages.length, 1);
    cache.applySync(change(6, { removals: [other.id] }));
    await s.ended;
    assert.equal(s.error()?.code, 7);
  });

  const refusals: Array<{ name: string; call: () => Promise<unknown>; code: number; detail: RegExp }> = [
    { name: 'FetchJWTSVID without an audience is InvalidArgument', call: () => unaryCall((cb) => client.FetchJWTSVID({ audience: [] }, md(), cb)), code: 3, detail: /audience/ },
    { name: 'FetchJWTSVID for a malformed SPIFFE ID is InvalidArgument', call: () => unaryCall((cb) => client.FetchJWTSVID({ audience: ['a'], spiffe_id: 'web' }, md(), cb)), code: 3, detail: /spiffe_id/ },
    { name: 'FetchJWTSVID for an identity the caller does not have is PermissionDenied', call: () => unaryCall((cb) => client.FetchJWTSVID({ audience: ['a'], spiffe_id: `spiffe://${TD}/db` }, md(), cb)), code: 7, detail: /no identity/ },
    { name: 'ValidateJWTSVID without a token is InvalidArgument', call: () => unaryCall((cb) => client.ValidateJWTSVID({ audience: 'a', svid: '' }, md(), cb)), code: 3, detail: /svid/ },
    { name: 'ValidateJWTSVID of a garbage token is InvalidArgument', call: () => unaryCall((cb) => client.ValidateJWTSVID({ audience: 'a', svid: 'not.a.jwt' }, md(), cb)), code: 3, detail: /svid/ },
    { name: 'a call without the security header is InvalidArgument', call: () => unaryCall((cb) => client.FetchJWTSVID({ audience: ['a'] }, new Metadata(), cb)), code: 3, detail: /workload\.spiffe\.io/ },
  ];
  for (const r of refusals) {
    it(r.name, async () => {
      await assert.rejects(r.call(), (err: { apiCode?: string; message: string; cause?: { code?: number } }) => {
        assert.equal(err.cause?.code, r.code, err.message);
        assert.match(err.message, r.detail);
        return true;
      });
    });
  }

  it('gives the same JWT-SVID again for the same audience until half its life, and validates it', async () => {
    const first = await unaryCall<{ svids: Array<{ spiffe_id: string; svid: string; hint: string }> }>((cb) => client.FetchJWTSVID({ audience: ['spiffe://example.org/db'] }, md(), cb));
    const again = await unaryCall<{ svids: Array<{ svid: string }> }>((cb) => client.FetchJWTSVID({ audience: ['spiffe://example.org/db'] }, md(), cb));
    assert.equal(first.svids[0]!.svid, again.svids[0]!.svid);
    assert.equal(first.svids[0]!.hint, 'internal');
    // The test signer's key is not in the bundle: publish it, then validation succeeds.
    const { createPublicKey } = await import('node:crypto');
    const spki = new Uint8Array(createPublicKey(signer.jwtKey).export({ type: 'spki', format: 'der' }));
    cache.applySync(change(7, { bundles: [{ ...testBundle(ca, [], 3n), jwtAuthorities: [{ keyId: signer.jwtKeyId, publicKey: spki }] }] }));
    const res = await unaryCall<{ spiffe_id: string; claims: unknown }>((cb) => client.ValidateJWTSVID({ audience: 'spiffe://example.org/db', svid: first.svids[0]!.svid }, md(), cb));
    assert.equal(res.spiffe_id, `spiffe://${TD}/web`);
    const claims = res.claims as unknown as { fields: Record<string, { stringValue?: string }> };
    assert.equal(claims.fields.sub?.stringValue, `spiffe://${TD}/web`);
  });

  it('answers the WIT-SVID profile with Unimplemented', async () => {
    const s = collect(client.FetchWITSVID({}, md()));
    await s.ended;
    assert.equal(s.error()?.code, 12);
  });
});
