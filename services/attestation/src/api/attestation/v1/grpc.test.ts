/**
 * The Attestation service through the real gRPC transport: node attestation over a (non-admin)
 * Unix socket, then renewal and the sync stream over SPIFFE mTLS with the agent's new SVID.
 */
import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import {
  createGrpcClient,
  FakeClock,
  signetProtos,
  startTestGrpcServer,
  streamMessages,
  type TestGrpcServer,
  unaryCall,
  X509BundleHolder,
  X509SvidHolder,
} from '@signet/platform';
import { matchId, SpiffeId, X509Svid } from '@signet/spiffe';
import { generateTestKey } from '@signet/spiffe/testing';
import { createCsr } from '@signet/spiffe';
import { type TestApp, startTestApp } from '../../../testing/app.js';
import { describeEachEngine } from '../../../testing/engines.js';
import { newJoinToken, testCsr } from '../../../testing/lifecycle.js';
import { createEntries } from '../../../testing/registrar-writes.js';
import type { AttestAgentResponse } from '../../wire.js';

const SERVER_ID = 'spiffe://example.org/signet/server';

describeEachEngine('Attestation over real gRPC', (t) => {
  let app: TestApp | undefined;
  let grpc: TestGrpcServer | undefined;
  afterEach(async () => {
    await grpc?.close();
    await app?.close();
    grpc = undefined;
    app = undefined;
  });

  it('attests over a Unix socket, then renews and syncs over mTLS with the issued SVID', async () => {
    // TLS checks certificates against the real time, so the fake clock starts now.
    const clock = new FakeClock(Date.now());
    app = await startTestApp(t.db, { clock });
    const protos = signetProtos();
    grpc = await startTestGrpcServer({
      services: [{ definition: protos.attestation, impl: app.app.service }],
      admin: false,
      classifyPeer: app.app.agentRole,
      logger: app.logger,
    });
    const bundleSource = new X509BundleHolder([app.signer.ca.x509Bundle()]);
    const serverSvid = new X509SvidHolder(app.signer.ca.issueX509Svid(SERVER_ID, { now: clock.now() }));
    const { port } = await grpc.server.listenTcp('127.0.0.1', 0, { tls: { svidSource: serverSvid, bundleSource, clientCertificates: 'optional' } });

    // Attest anonymously over the Unix socket.
    const token = await newJoinToken(t.db, clock.now());
    const key = generateTestKey();
    const unix = grpc.client(protos.attestation);
    const call = unix.AttestAgent();
    call.write({ params: { attestation_type: 'join_token', payload: Buffer.from(token), csr: Buffer.from(createCsr({ privateKey: key.privateKey })) } });
    const responses: AttestAgentResponse[] = [];
    for await (const response of call) responses.push(response as AttestAgentResponse);
    const result = responses[0]?.result;
    assert.ok(result !== undefined && result !== null);
    const svid = X509Svid.fromParts((result.svid_chain ?? []).map((c) => new Uint8Array(c as Buffer)), key.privateKey);
    assert.equal(svid.id.toString(), result.spiffe_id);

    // Agent methods are refused to an anonymous caller.
    await assert.rejects(
      unaryCall((cb) => unix.RenewAgent({ csr: Buffer.from(testCsr()) }, cb)),
      (err: Error & { apiCode?: string }) => err.apiCode === 'unauthenticated',
    );

    // mTLS with the agent SVID.
    const agent = createGrpcClient(protos.attestation, `127.0.0.1:${port}`, {
      svidSource: new X509SvidHolder(svid),
      bundleSource,
      expectedServerId: matchId(SpiffeId.parse(SERVER_ID)),
    });
    try {
      const renewed = await unaryCall<{ svid_chain: Buffer[] }>((cb) => agent.RenewAgent({ csr: Buffer.from(testCsr()) }, cb));
      assert.equal(renewed.svid_chain.length, 1);

      const abort = new AbortController();
      const messages = streamMessages(agent.SyncAuthorized({ from_revision: '0' }), abort.signal);
      const first = await messages.next();
      assert.equal(first.value?.snapshot_done, true);
      assert.equal(first.value?.bundles?.[0]?.trust_domain, 'example.org');
      await createEntries(t.db, [{ spiffeId: 'spiffe://example.org/api', parentId: svid.id.toString(), selectors: [{ type: 'k8s', value: 'sa:api' }] }], clock.now());
      const second = await messages.next();
      assert.deepEqual(second.value?.upserts?.map((e) => e.spiffe_id), ['spiffe://example.org/api']);
      assert.equal(typeof second.value?.revision, 'string', 'int64 revisions arrive as strings');

      // A ban ends the stream with PERMISSION_DENIED.
      await app.app.agentAdmin.banAgent(svid.id.toString());
      await assert.rejects(messages.next(), (err: Error & { apiCode?: string }) => err.apiCode === 'permission_denied');
      abort.abort();
    } finally {
      agent.close();
    }
  });
});
