/**
 * A started attestation service over a test database, with the fake clock, the test signer,
 * a captured logger, the local bundle stored, and helpers to attest agents through the API.
 * @module
 */
import type { Db, Selector } from '@signet/datastore';
import { FakeClock, type LogCapture, type Logger } from '@signet/platform';
import { createAttestationService, type AttestationApp, type AttestationServiceOptions } from '../app.js';
import type { AttestAgentRequest, AttestAgentResponse } from '../api/wire.js';
import { anonymous, testCallContext, testLogger } from './call-context.js';
import { testConfig } from './config.js';
import { newJoinToken, testCsr } from './lifecycle.js';
import { storeBundle } from './registrar-writes.js';
import { TestAgentSvidSigner } from './test-signer.js';

/** A running service and its test doubles. */
export interface TestApp {
  readonly app: AttestationApp;
  readonly clock: FakeClock;
  readonly signer: TestAgentSvidSigner;
  readonly logger: Logger;
  readonly logs: LogCapture;
  /** Attests a join-token agent through the AttestAgent handler; returns its result. */
  attestJoinToken(agentSpiffeId?: string): Promise<AttestedAgent>;
  close(): Promise<void>;
}

/** The result of an attestation, with its fields known to be present. */
export interface AttestedAgent {
  readonly spiffe_id: string;
  readonly selectors: Selector[];
  readonly svid_chain: Buffer[];
}

/** Options of {@link startTestApp}. */
export interface TestAppOptions {
  readonly config?: Readonly<Record<string, unknown>>;
  readonly clock?: FakeClock;
  readonly signer?: TestAgentSvidSigner;
  readonly extra?: Partial<AttestationServiceOptions>;
}

/** Stores the local bundle and starts a service. */
export async function startTestApp(db: Db, options: TestAppOptions = {}): Promise<TestApp> {
  const clock = options.clock ?? new FakeClock();
  const signer = options.signer ?? new TestAgentSvidSigner('example.org', clock);
  const { logger, logs } = testLogger();
  await storeBundle(db, await signer.getBundle(), 'local', clock.now());
  const app = createAttestationService({
    db,
    config: testConfig(options.config),
    clock,
    logger,
    signer,
    trustDomain: 'example.org',
    pollIntervalMs: 0,
    ...options.extra,
  });
  await app.start();
  return {
    app,
    clock,
    signer,
    logger,
    logs,
    async attestJoinToken(agentSpiffeId) {
      const token = await newJoinToken(db, clock.now(), agentSpiffeId === undefined ? {} : { agentSpiffeId });
      const responses = await callAttestAgent(app, [{ step: 'params', params: { attestation_type: 'join_token', payload: Buffer.from(token), csr: Buffer.from(testCsr()) } }]);
      const result = responses.at(-1)?.result;
      if (result === undefined || result === null || typeof result.spiffe_id !== 'string') throw new Error('no attestation result');
      return {
        spiffe_id: result.spiffe_id,
        selectors: (result.selectors ?? []).map((s) => ({ type: s.type ?? '', value: s.value ?? '' })),
        svid_chain: (result.svid_chain ?? []).map((c) => Buffer.from(c as Buffer)),
      };
    },
    close: () => app.close(),
  };
}

/** Calls the AttestAgent handler with a fixed list of requests; returns what it sent. */
export async function callAttestAgent(app: AttestationApp, requests: readonly AttestAgentRequest[]): Promise<AttestAgentResponse[]> {
  const sent: AttestAgentResponse[] = [];
  const { ctx } = testCallContext(anonymous, 'signet.attestation.v1.Attestation/AttestAgent');
  const method = app.service['AttestAgent'];
  if (method?.type !== 'bidi_stream') throw new Error('AttestAgent is not a bidi method');
  async function* stream() {
    yield* requests;
  }
  await method.handler(stream(), ctx, async (response: AttestAgentResponse) => void sent.push(response));
  return sent;
}
