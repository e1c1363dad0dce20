/**
 * Wiring of the agent lifecycle for tests: real attestors, the real test signer, a fake
 * clock, a captured logger and real metrics-free deps; plus CSRs and join tokens.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createJoinToken, type Db } from '@signet/datastore';
import { FakeClock, type LogCapture } from '@signet/platform';
import { createCsr, TrustDomain } from '@signet/spiffe';
import { generateTestKey } from '@signet/spiffe/testing';
import type { AgentLifecycleDeps } from '../agents/deps.js';
import type { NodeAttestor } from '../attestors/attestor.js';
import { joinTokenAttestor } from '../attestors/join-token/join-token.js';
import { noMetrics } from '../telemetry.js';
import { testLogger } from './call-context.js';
import { TestAgentSvidSigner } from './test-signer.js';

/** The lifecycle deps and the pieces tests poke at. */
export interface TestLifecycle {
  readonly deps: AgentLifecycleDeps;
  readonly clock: FakeClock;
  readonly signer: TestAgentSvidSigner;
  readonly logs: LogCapture;
}

/** Deps over `db` with a join token attestor plus `attestors`. */
export function testLifecycle(db: Db, attestors: readonly NodeAttestor[] = []): TestLifecycle {
  const clock = new FakeClock();
  const signer = new TestAgentSvidSigner('example.org', clock);
  const { logger, logs } = testLogger();
  const map = new Map<string, NodeAttestor>([['join_token', joinTokenAttestor({ db })]]);
  for (const a of attestors) map.set(a.type, a);
  return {
    deps: { db, clock, trustDomain: TrustDomain.parse('example.org'), signer, attestors: map, agentSvidTtlSeconds: 3600, metrics: noMetrics, logger },
    clock,
    signer,
    logs,
  };
}

/** A fresh CSR (DER) for a new EC key. */
export function testCsr(): Uint8Array {
  return createCsr({ privateKey: generateTestKey().privateKey });
}

/** Creates a join token valid for `ttlSeconds` from `now`; returns the secret. */
export async function newJoinToken(db: Db, now: Date, options: { ttlSeconds?: number; agentSpiffeId?: string } = {}): Promise<string> {
  const token = randomBytes(16).toString('hex');
  await createJoinToken(db, { token, expiresAt: new Date(now.getTime() + (options.ttlSeconds ?? 600) * 1000), agentSpiffeId: options.agentSpiffeId ?? null }, now);
  return token;
}

/** A challenge function for attestors that never challenge. */
export async function noChallenge(): Promise<Uint8Array> {
  throw new Error('this attestor should not challenge');
}
