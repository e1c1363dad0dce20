// The control plane as a real process (`signet server`): admin calls over the gRPC and REST admin
// sockets, then an agent attesting with a join token over the TLS agent endpoint, following its
// authorized entries and getting an SVID for one of them, all verified with the SDK.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpiffeBundle, SpiffeId, TrustDomain, X509Bundle, X509Svid, createCsr, matchId, verifyX509Svid } from '@signet/spiffe';
import { X509BundleHolder, X509SvidHolder, createGrpcClient, signetProtos, streamMessages, unaryCall } from '@signet/platform';
import { spawnSignet, waitForEndpoints, type Spawned } from '../support/processes.js';

interface Endpoints {
  server_spiffe_id: string;
  admin_socket: string;
  admin_http_socket: string;
  agent_endpoint: string;
}

/** What CreateEntries answers (message fields are nullable in the generated types). */
interface EntryResults {
  results: Array<{ status: { code: number; message: string } | null; entry: { id: string } | null }>;
}

const TD = 'cp.test';
const td = TrustDomain.parse(TD);

/** GET over a Unix socket; resolves with status and parsed JSON. */
function getJson(socketPath: string, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET' }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as unknown }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('signet server: the control plane end to end', () => {
  let dataDir = '';
  let proc: Spawned;
  let ep: Endpoints;
  const protos = signetProtos();

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'signet-cp-'));
    proc = spawnSignet(['server', '--data-dir', dataDir, '--trust-domain', TD], { SIGNET_SERVER_PORT: '0' });
    ep = await waitForEndpoints<Endpoints>(dataDir, proc, 60_000);
  });
  after(async () => {
    proc.child.kill('SIGTERM');
    const code = await proc.exited;
    await rm(dataDir, { recursive: true, force: true });
    assert.equal(code, 0, proc.output().stderr);
  });

  it('serves the admin APIs on 0600 Unix sockets', async () => {
    assert.equal(ep.server_spiffe_id, `spiffe://${TD}/spire/server`);
    for (const sock of [ep.admin_socket, ep.admin_http_socket]) assert.equal((await stat(sock)).mode & 0o777, 0o600, sock);
  });

  it('registers an agent, attests it over TLS, and serves it its entries and SVIDs', async () => {
    const registrar = createGrpcClient(protos.registrar, `unix://${ep.admin_socket}`);
    const ca = createGrpcClient(protos.ca, `unix://${ep.admin_socket}`);
    try {
      // The local bundle, as an admin sees it.
      const doc = await unaryCall<{ spiffe_json: string }>((cb) => registrar.GetLocalBundle({}, cb));
      const bundle = SpiffeBundle.parse(td, doc.spiffe_json);
      assert.ok(bundle.x509Authorities().length >= 1, 'the CA published an X.509 authority');
      assert.ok(bundle.jwtAuthorities().size >= 1, 'the CA published a JWT key');

      // A join token for an agent with a chosen ID, and a workload entry under that agent.
      const agentId = `spiffe://${TD}/spire/agent/node-1`;
      const token = await unaryCall<{ value: string }>((cb) => registrar.CreateJoinToken({ ttl: 600, agent_spiffe_id: agentId }, cb));
      const created = await unaryCall<EntryResults>((cb) =>
        registrar.CreateEntries({ entries: [{ spiffe_id: `spiffe://${TD}/web`, parent_id: agentId, selectors: [{ type: 'unix', value: 'uid:1000' }] }] }, cb),
      );
      assert.equal(created.results[0]?.status?.code, 0, created.results[0]?.status?.message);
      const entryId = created.results[0]!.entry!.id;

      // The same entry through the REST admin API.
      const listed = await getJson(ep.admin_http_socket, `/v1/entries?parent_id=${encodeURIComponent(agentId)}`);
      assert.equal(listed.status, 200);
      assert.deepEqual((listed.body as { entries: Array<{ id: string }> }).entries.map((e) => e.id), [entryId]);

      // Attest over the agent endpoint: server-authenticated TLS, checked against the bundle and the server ID.
      const bundles = new X509BundleHolder([bundle.x509Bundle()]);
      const serverId = SpiffeId.parse(ep.server_spiffe_id);
      const anon = createGrpcClient(protos.attestation, ep.agent_endpoint, { bundleSource: bundles, expectedServerId: matchId(serverId), trustDomain: td });
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const csr = createCsr({ privateKey });
      const stream = anon.AttestAgent();
      stream.write({ params: { attestation_type: 'join_token', payload: Buffer.from(token.value), csr: Buffer.from(csr) } });
      stream.end();
      let result: { spiffe_id: string; svid_chain: Buffer[] } | undefined;
      for await (const msg of stream as AsyncIterable<{ result?: { spiffe_id: string; svid_chain: Buffer[] } }>) result = msg.result ?? result;
      anon.close();
      assert.equal(result?.spiffe_id, agentId);
      const agentSvid = X509Svid.fromParts(result!.svid_chain.map((b) => new Uint8Array(b)), privateKey);
      assert.equal(verifyX509Svid(agentSvid.certificates, bundle.x509Bundle()).id.toString(), agentId);

      // As the agent (mTLS with its SVID): the authorized-entries stream starts with a snapshot holding the entry.
      const svidSource = new X509SvidHolder(agentSvid);
      const asAgent = createGrpcClient(protos.attestation, ep.agent_endpoint, { svidSource, bundleSource: bundles, expectedServerId: matchId(serverId) });
      const ac = new AbortController();
      let snapshotIds: string[] = [];
      for await (const msg of streamMessages<{ snapshot: boolean; snapshot_done: boolean; upserts: Array<{ id: string }> }>(asAgent.SyncAuthorized({ from_revision: '0' }), ac.signal)) {
        snapshotIds.push(...msg.upserts.map((e) => e.id));
        if (msg.snapshot_done) break;
      }
      ac.abort();
      asAgent.close();
      assert.deepEqual(snapshotIds, [entryId]);

      // The agent mints an X.509-SVID for its workload's entry with a key generated here.
      const caAsAgent = createGrpcClient(protos.ca, ep.agent_endpoint, { svidSource, bundleSource: bundles, expectedServerId: matchId(serverId) });
      const wl = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const minted = await unaryCall<{ cert_chain: Buffer[] }>((cb) => caAsAgent.MintX509Svid({ csr: Buffer.from(createCsr({ privateKey: wl.privateKey })), entry_id: entryId }, cb));
      caAsAgent.close();
      const svid = X509Svid.fromParts(minted.cert_chain.map((b) => new Uint8Array(b)), wl.privateKey);
      assert.equal(svid.id.toString(), `spiffe://${TD}/web`);
      assert.equal(verifyX509Svid(svid.certificates, X509Bundle.fromAuthorities(td, bundle.x509Authorities())).id.toString(), `spiffe://${TD}/web`);

      // An agent may not mint for an entry it does not serve; an admin may mint any ID in the trust domain.
      const other = await unaryCall<EntryResults>((cb) =>
        registrar.CreateEntries({ entries: [{ spiffe_id: `spiffe://${TD}/db`, parent_id: `spiffe://${TD}/spire/agent/node-2`, selectors: [{ type: 'unix', value: 'uid:1001' }] }] }, cb),
      );
      const caAsAgent2 = createGrpcClient(protos.ca, ep.agent_endpoint, { svidSource, bundleSource: bundles, expectedServerId: matchId(serverId) });
      await assert.rejects(
        unaryCall((cb) => caAsAgent2.MintX509Svid({ csr: Buffer.from(createCsr({ privateKey: wl.privateKey })), entry_id: other.results[0]!.entry!.id }, cb)),
        (err: { apiCode?: string }) => err.apiCode === 'permission_denied' || err.apiCode === 'not_found',
      );
      caAsAgent2.close();
      const adminMint = await unaryCall<{ cert_chain: Buffer[] }>((cb) =>
        ca.MintX509Svid({ csr: Buffer.from(createCsr({ privateKey: wl.privateKey })), spiffe_id: `spiffe://${TD}/batch-job`, ttl: 60 }, cb),
      );
      assert.equal(X509Svid.fromParts(adminMint.cert_chain.map((b) => new Uint8Array(b)), wl.privateKey).id.toString(), `spiffe://${TD}/batch-job`);
    } finally {
      registrar.close();
      ca.close();
    }
  });

  it('refuses admin calls over the agent endpoint from an anonymous caller', async () => {
    const doc = await (async () => {
      const r = createGrpcClient(protos.registrar, `unix://${ep.admin_socket}`);
      try {
        return await unaryCall<{ spiffe_json: string }>((cb) => r.GetLocalBundle({}, cb));
      } finally {
        r.close();
      }
    })();
    const bundles = new X509BundleHolder([SpiffeBundle.parse(td, doc.spiffe_json).x509Bundle()]);
    const ca = createGrpcClient(protos.ca, ep.agent_endpoint, { bundleSource: bundles, expectedServerId: matchId(SpiffeId.parse(ep.server_spiffe_id)), trustDomain: td });
    try {
      await assert.rejects(
        unaryCall((cb) => ca.PrepareAuthority({ kind: 'x509' }, cb)),
        (err: { apiCode?: string }) => err.apiCode === 'unauthenticated',
      );
    } finally {
      ca.close();
    }
  });
});
