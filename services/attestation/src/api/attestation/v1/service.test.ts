import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, afterEach, before, it } from 'node:test';
import { hashJoinToken } from '@signet/datastore';
import { type CallContext, FakeClock } from '@signet/platform';
import { type TestApp, startTestApp } from '../../../testing/app.js';
import { rejectsWithApi } from '../../../testing/assertions.js';
import { AsyncQueue } from '../../../testing/async-queue.js';
import { agentCaller, anonymous, testCallContext } from '../../../testing/call-context.js';
import { describeEachEngine } from '../../../testing/engines.js';
import { newJoinToken, testCsr } from '../../../testing/lifecycle.js';
import { type X509PopFixture, x509PopFixture } from '../../../testing/x509pop-node.js';
import type { AttestAgentRequest, AttestAgentResponse, RenewAgentRequest, RenewAgentResponse } from '../../wire.js';

type Answer = (challenge: Buffer) => Promise<AttestAgentRequest | 'hang-up' | 'silence'>;

describeEachEngine('Attestation API handlers', (t) => {
  let pop: X509PopFixture;
  let running: TestApp | undefined;
  before(async () => {
    pop = await x509PopFixture(new FakeClock());
  });
  after(async () => {
    await pop.dispose();
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  const start = async (extra: Omit<NonNullable<Parameters<typeof startTestApp>[1]>, 'config'> = {}) => {
    running = await startTestApp(t.db, { config: { 'x509pop.ca_bundle_paths': [pop.bundlePath] }, ...extra });
    return running;
  };
  const params = (attestation_type: string, payload: Uint8Array): AttestAgentRequest => ({
    step: 'params',
    params: { attestation_type, payload: Buffer.from(payload), csr: Buffer.from(testCsr()) },
  });
  const noChallenge: Answer = async () => assert.fail('no challenge expected');

  /** Runs AttestAgent as a client would: `answer` replies to each challenge. */
  async function attest(app: TestApp, first: AttestAgentRequest | undefined, answer: Answer) {
    const requests = new AsyncQueue<AttestAgentRequest>();
    const sent: AttestAgentResponse[] = [];
    const { ctx, audits } = testCallContext(anonymous, 'signet.attestation.v1.Attestation/AttestAgent');
    if (first === undefined) requests.end();
    else requests.push(first);
    const method = app.app.service['AttestAgent'];
    assert.equal(method?.type, 'bidi_stream');
    await method.handler(requests, ctx, async (response: AttestAgentResponse) => {
      sent.push(response);
      if (response.challenge === undefined) return;
      const reply = await answer(response.challenge as Buffer);
      if (reply === 'hang-up') requests.end();
      else if (reply === 'silence') setImmediate(() => app.clock.advance(30_000));
      else requests.push(reply);
    });
    return { sent, audits };
  }

  it('AttestAgent with a join token returns the SVID, the bundle and the selectors, and audits without the token', async () => {
    const app = await start();
    const token = await newJoinToken(t.db, app.clock.now());
    const { sent, audits } = await attest(app, params('join_token', Buffer.from(token)), noChallenge);
    assert.equal(sent.length, 1);
    const result = sent[0]?.result;
    assert.equal(result?.spiffe_id, `spiffe://example.org/spire/agent/join_token/${hashJoinToken(token)}`);
    assert.equal(new X509Certificate(result?.svid_chain?.[0] as Buffer).subjectAltName, `URI:${result?.spiffe_id}`);
    assert.equal(result?.bundle?.trust_domain, 'example.org');
    assert.deepEqual(result?.bundle?.x509_authorities, [Buffer.from(app.signer.ca.certificate)]);
    assert.deepEqual(result?.selectors, [{ type: 'join_token', value: hashJoinToken(token) }]);
    assert.equal(audits[0]?.['agent_id'], result?.spiffe_id);
    assert.ok(!JSON.stringify(audits).includes(token));
    assert.ok(!app.logs.text.includes(token), 'the token is not logged');
  });

  it('AttestAgent with x509pop sends a challenge and accepts the signed answer', async () => {
    const app = await start();
    const node = pop.node('node-7');
    const { sent } = await attest(app, params('x509pop', pop.payload(node)), async (challenge) => ({
      step: 'challenge_response',
      challenge_response: Buffer.from(await pop.challenge(node)(challenge)),
    }));
    assert.equal(sent.length, 2);
    assert.equal((sent[0]?.challenge as Buffer).length, 32);
    assert.match(sent[1]?.result?.spiffe_id ?? '', /^spiffe:\/\/example\.org\/spire\/agent\/x509pop\/[0-9a-f]{40}$/);
    assert.ok(sent[1]?.result?.selectors?.some((s) => s.value === 'subject:cn:node-7'));
  });

  const refusals: { name: string; first: () => AttestAgentRequest | undefined; answer: Answer; code: 'invalid_argument' | 'deadline_exceeded' | 'permission_denied'; message: string; field?: string }[] = [
    { name: 'rejects a stream whose first message is not the params', first: () => ({ step: 'challenge_response', challenge_response: Buffer.from('x') }), answer: noChallenge, code: 'invalid_argument', message: 'the first message must carry the attestation params', field: 'params' },
    { name: 'rejects an empty stream', first: () => undefined, answer: noChallenge, code: 'invalid_argument', message: 'the first message must carry', field: 'params' },
    { name: 'rejects a node that hangs up instead of answering the challenge', first: () => params('x509pop', pop.payload(pop.node('n'))), answer: async () => 'hang-up', code: 'invalid_argument', message: 'the stream ended before the challenge was answered', field: 'challenge_response' },
    { name: 'rejects a node that sends params again instead of the answer', first: () => params('x509pop', pop.payload(pop.node('n'))), answer: async () => params('x509pop', new Uint8Array()), code: 'invalid_argument', message: 'expected the answer to the challenge', field: 'challenge_response' },
    { name: 'gives up on a node that does not answer in time', first: () => params('x509pop', pop.payload(pop.node('n'))), answer: async () => 'silence', code: 'deadline_exceeded', message: 'challenge_response: not received within 30 s' },
    { name: 'refuses a wrong answer to the challenge', first: () => params('x509pop', pop.payload(pop.node('n'))), answer: async () => ({ step: 'challenge_response', challenge_response: Buffer.alloc(64) }), code: 'permission_denied', message: 'the signature does not verify', field: 'challenge_response' },
    { name: 'rejects a missing attestation type', first: () => params('', new Uint8Array()), answer: noChallenge, code: 'invalid_argument', message: 'params.attestation_type: is required', field: 'params.attestation_type' },
  ];
  for (const r of refusals) {
    it(r.name, async () => {
      const app = await start();
      await rejectsWithApi(attest(app, r.first(), r.answer), r.code, r.message, r.field);
    });
  }

  it('RenewAgent renews the calling agent, checking the presented serial when the transport gives it', async () => {
    let presented: string | undefined;
    const app = await start({ extra: { presentedSerialOf: (ctx: CallContext) => (ctx.method.endsWith('RenewAgent') ? presented : undefined) } });
    const attested = await app.attestJoinToken();
    const renew = app.app.service['RenewAgent'];
    assert.equal(renew?.type, 'unary');
    const call = (spiffeId: string) =>
      renew.handler({ csr: Buffer.from(testCsr()) } satisfies RenewAgentRequest, testCallContext(agentCaller(spiffeId), 'signet.attestation.v1.Attestation/RenewAgent').ctx) as Promise<RenewAgentResponse>;
    presented = app.signer.issued[0]?.serial;
    const renewed = await call(attested.spiffe_id);
    assert.equal(renewed.svid_chain?.length, 1);
    assert.equal(new X509Certificate(renewed.svid_chain?.[0] as Buffer).subjectAltName, `URI:${attested.spiffe_id}`);
    presented = 'deadbeef';
    await rejectsWithApi(call(attested.spiffe_id), 'permission_denied', 'is not its current one');
    await rejectsWithApi(call('spiffe://example.org/spire/agent/join_token/unknown'), 'permission_denied', 'is not attested');
  });

  it('declares who may call each method', async () => {
    const app = await start();
    assert.deepEqual(app.app.service['AttestAgent']?.allow, ['anonymous', 'agent']);
    assert.deepEqual(app.app.service['RenewAgent']?.allow, ['agent']);
    assert.deepEqual(app.app.service['SyncAuthorized']?.allow, ['agent']);
  });
});
