/**
 * The CA service through the real gRPC transport: on an admin Unix socket, on a plain (anonymous)
 * socket, and over SPIFFE mTLS with SVIDs the CA itself issued to the server and to an agent.
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { createNode, type TestDatabase } from '@signet/datastore';
import {
  ApiError,
  captureLogs,
  configSchema,
  coreSections,
  createGrpcClient,
  createGrpcServer,
  createLogger,
  FakeClock,
  loadConfig,
  signetProtos,
  startTestGrpcServer,
  unaryCall,
  X509BundleHolder,
  X509SvidHolder,
  type PeerClassifier,
  type TestGrpcServer,
} from '@signet/platform';
import { matchId, SpiffeId, verifyX509Svid, X509Bundle, X509Svid } from '@signet/spiffe';
import { metrics } from '@opentelemetry/api';
import { createCaService, type CaServiceHandle } from '../../../app.js';
import { caSection } from '../../../config.js';
import { testEngines } from '../../../testing/engines.test-helper.js';
import { ParentEntryAuthorizer } from '../../../testing/entry-authorizer.test-helper.js';
import { TD } from '../../../testing/manager.test-helper.js';
import { addEntry, AGENT, CALLERS, newCsr } from '../../../testing/signer.test-helper.js';

const protos = signetProtos();
const SERVER_ID = 'spiffe://example.org/signet/ca';
const engines = await testEngines('CA over gRPC');
const logger = createLogger({ level: 'error', service: 'ca', destination: captureLogs().stream });

const classifyPeer: PeerClassifier = (id) => {
  if (id.path.startsWith('/spire/agent/')) return 'agent';
  if (id.path.startsWith('/signet/')) return 'server';
  return undefined;
};

function spkiOf(key: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }));
}

function rejectsWith(promise: Promise<unknown>, code: string, field?: string): Promise<void> {
  return assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.apiCode, code, err.message);
    if (field !== undefined) assert.equal(err.field, field);
    return true;
  });
}

for (const engine of engines) {
  describe(`CA over gRPC on ${engine.name}`, () => {
    let t: TestDatabase;
    let ca: CaServiceHandle;
    let clock: FakeClock;
    before(async () => {
      t = await engine.open();
      // Real time: the TLS peers check certificates against the system clock.
      clock = new FakeClock(Date.now());
      const { config } = loadConfig({ schema: configSchema(coreSections(), caSection), overrides: { 'ca.key_manager': 'memory', 'ca.rate_limit.per_second': 2, 'ca.rate_limit.burst': 20 } });
      ca = await createCaService({
        db: t.db,
        config,
        clock,
        logger,
        meter: metrics.getMeter('test'),
        tracer: trace.getTracer('test'),
        authorizer: new ParentEntryAuthorizer(t.db),
        followEvents: false,
      });
      await ca.start();
      await createNode(t.db, { spiffeId: AGENT, attestationType: 'join_token' }, clock.now());
    });
    after(async () => {
      await ca.close();
      await t.dispose();
    });

    describe('on the admin socket', () => {
      let server: TestGrpcServer;
      before(async () => {
        server = await startTestGrpcServer({ services: [{ definition: protos.ca, impl: ca.service }] });
      });
      after(() => server.close());

      it('signs, publishes, lists and maps errors to status codes with their field', async () => {
        const client = server.client(protos.ca);
        const bundle = await unaryCall<any>((cb) => client.GetBundle({}, cb));
        assert.equal(bundle.trust_domain, 'example.org');
        assert.equal(bundle.sequence_number, '1');
        const svid = await unaryCall<any>((cb) => client.MintX509Svid({ csr: newCsr().csr, spiffe_id: 'spiffe://example.org/ops' }, cb));
        const roots = X509Bundle.fromAuthorities(TD, bundle.x509_authorities);
        assert.equal(verifyX509Svid(svid.cert_chain, roots, { now: clock.now() }).id.toString(), 'spiffe://example.org/ops');
        assert.equal((await unaryCall<any>((cb) => client.ListAuthorities({ kind: '' }, cb))).authorities.length, 2);
        await rejectsWith(unaryCall((cb) => client.MintX509Svid({ spiffe_id: 'spiffe://example.org/ops' }, cb)), 'invalid_argument', 'csr');
        await rejectsWith(unaryCall((cb) => client.MintX509Svid({ csr: newCsr().csr, spiffe_id: 'spiffe://other.org/ops' }, cb)), 'invalid_argument', 'spiffe_id');
        const active = ca.manager.activeX509().authority.id;
        await rejectsWith(unaryCall((cb) => client.RevokeAuthority({ kind: 'x509', id: active }, cb)), 'failed_precondition', 'id');
        await rejectsWith(unaryCall((cb) => client.TaintAuthority({ kind: 'pgp', id: active }, cb)), 'invalid_argument', 'kind');
      });
    });

    describe('on a socket without credentials', () => {
      let server: TestGrpcServer;
      before(async () => {
        server = await startTestGrpcServer({ services: [{ definition: protos.ca, impl: ca.service }], admin: false });
      });
      after(() => server.close());

      it('signs nothing for anonymous callers', async () => {
        const client = server.client(protos.ca);
        await rejectsWith(unaryCall((cb) => client.MintX509Svid({ csr: newCsr().csr, spiffe_id: 'spiffe://example.org/ops' }, cb)), 'unauthenticated');
        await rejectsWith(unaryCall((cb) => client.GetBundle({}, cb)), 'unauthenticated');
      });
    });

    describe('over SPIFFE mTLS with SVIDs the CA issued itself', () => {
      let grpc: ReturnType<typeof createGrpcServer>;
      let port: number;
      let bundles: X509BundleHolder;
      let agentSvid: X509Svid;
      before(async () => {
        const stored = await ca.manager.localBundle();
        bundles = new X509BundleHolder([X509Bundle.fromAuthorities(TD, ((stored?.document['keys'] as { x5c?: string[] }[]) ?? []).flatMap((k) => (k.x5c ?? []).map((c) => Buffer.from(c, 'base64'))))]);
        const serverKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
        const serverSvid = await ca.signer.signX509Svid(CALLERS.admin, { publicKey: spkiOf(serverKey), spiffeId: SERVER_ID });
        const agentKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
        const agentCert = await ca.signer.signAgentX509Svid(CALLERS.server, { publicKey: spkiOf(agentKey), spiffeId: AGENT });
        agentSvid = X509Svid.fromParts(agentCert.certChain, agentKey);
        grpc = createGrpcServer({ logger, classifyPeer });
        grpc.addService(protos.ca, ca.service);
        ({ port } = await grpc.listenTcp('127.0.0.1', 0, {
          tls: { svidSource: new X509SvidHolder(X509Svid.fromParts(serverSvid.certChain, serverKey)), bundleSource: bundles },
        }));
      });
      after(() => grpc.close(200));

      it("lets an agent mint SVIDs for the entries it serves, and nothing else", async () => {
        const web = await addEntry(t.db, 'web');
        const billing = await addEntry(t.db, 'billing', { parentId: 'spiffe://example.org/spire/agent/join_token/node-2' });
        const client = createGrpcClient(protos.ca, `127.0.0.1:${port}`, {
          svidSource: new X509SvidHolder(agentSvid),
          trustDomain: 'example.org',
          bundleSource: bundles,
          expectedServerId: matchId(SpiffeId.parse(SERVER_ID)),
        });
        try {
          const svid = await unaryCall<any>((cb) => client.MintX509Svid({ csr: newCsr().csr, entry_id: web.id }, cb));
          assert.equal(verifyX509Svid(svid.cert_chain, bundles, { now: clock.now() }).id.toString(), 'spiffe://example.org/web');
          await rejectsWith(unaryCall((cb) => client.MintX509Svid({ csr: newCsr().csr, entry_id: billing.id }, cb)), 'permission_denied', 'entry_id');
          const jwt = await unaryCall<any>((cb) => client.MintJwtSvid({ entry_id: web.id, audience: ['spiffe://example.org/db'] }, cb));
          assert.equal(jwt.key_id, ca.manager.activeJwt().keyId);
          await rejectsWith(unaryCall((cb) => client.ListAuthorities({}, cb)), 'permission_denied');
          const batch = await unaryCall<any>((cb) => client.BatchMintX509Svid({ requests: Array.from({ length: 20 }, () => ({ csr: newCsr().csr, entry_id: web.id })) }, cb)).catch((e: unknown) => e);
          assert.ok(batch instanceof ApiError && batch.apiCode === 'resource_exhausted' && (batch.retryAfterMs ?? 0) > 0, 'the agent spent its burst');
        } finally {
          client.close();
        }
      });
    });
  });
}
