/**
 * One SyncAuthorized stream: the state machine between an agent's view and its connection.
 *
 * 1. Resume or snapshot: when the agent's view journal holds every change after
 *    `fromRevision`, the net change since then is sent (at least one message, so the agent
 *    learns the current revision); otherwise a snapshot of every authorized entry and the
 *    bundles it needs, in chunks, `snapshotDone` on the last.
 * 2. Then each change as it happens. Changes that arrive while a `send` is pending (a slow
 *    agent) are folded into one, so memory stays bounded by the size of the view.
 * 3. The stream ends with `permission_denied` when the agent is banned or evicted, and
 *    returns when `signal` aborts.
 *
 * Bundles sent: always the local trust domain's; federated ones only for the trust domains
 * that the agent's authorized entries federate with (they arrive and leave with those entries).
 * @module
 */
import { performance } from 'node:perf_hooks';
import { propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ApiError, type Logger } from '@signet/platform';
import type { AgentView } from '../authorized/agent-view.js';
import type { AuthorizedCache } from '../authorized/authorized-cache.js';
import { ChangeAccumulator, type ViewChange } from '../authorized/view-change.js';
import type { AttestationMetrics } from '../telemetry.js';
import type { BundleSnapshot, BundleStore } from './bundle-store.js';
import { chunkContent, type ChunkLimits } from './chunk.js';
import type { SyncMessage } from './sync-message.js';

/** What a session needs. */
export interface SyncSessionDeps {
  readonly cache: AuthorizedCache;
  readonly feed: { readonly revision: number; whenApplied(revision: number): Promise<void>; traceOf?(after: number, through: number): string | undefined };
  readonly bundles: BundleStore;
  readonly limits: ChunkLimits;
  readonly metrics: AttestationMetrics;
  readonly logger: Logger;
  /** How long to wait for this process to catch up with a `fromRevision` seen elsewhere, ms (default 2 000). */
  readonly catchUpMs?: number;
}

/** The stream's parameters. */
export interface SyncSessionParams {
  readonly agentId: string;
  /** 0 for a snapshot; otherwise the revision of the last message the agent applied. */
  readonly fromRevision: number;
  readonly signal: AbortSignal;
}

/**
 * Runs the stream until `signal` aborts (resolves) or the agent stops being allowed (rejects
 * with `permission_denied`).
 *
 * @example
 * ```ts
 * await runSyncSession(deps, { agentId, fromRevision: 0, signal: ctx.signal }, (m) => send(toWire(m)));
 * ```
 */
export async function runSyncSession(deps: SyncSessionDeps, params: SyncSessionParams, send: (message: SyncMessage) => Promise<void>): Promise<void> {
  const started = performance.now();
  if (params.fromRevision > deps.feed.revision) await catchUp(deps, params);
  const view = await deps.cache.acquire(params.agentId);
  if (!view.active) throw new ApiError('permission_denied', view.inactiveReason ?? `agent ${JSON.stringify(params.agentId)} is not attested`);

  const pending = new ChangeAccumulator();
  let ended: Error | undefined;
  let wake: (() => void) | undefined;
  const unsubscribe = view.subscribe({
    onChange: (change) => {
      pending.add(change);
      wake?.();
    },
    onEnd: (error) => {
      ended = error;
      wake?.();
    },
  });
  const onAbort = () => wake?.();
  params.signal.addEventListener('abort', onAbort);
  deps.metrics.streamOpened();
  try {
    // Captured synchronously with the subscription: nothing can change in between.
    const revision = deps.cache.revision;
    const resume = params.fromRevision > 0 && view.canResumeFrom(params.fromRevision, revision);
    if (resume) {
      await sendChange(deps, view.changesSince(params.fromRevision, revision), params.fromRevision, send, true);
    } else {
      await sendSnapshot(deps, view, revision, send);
    }
    deps.metrics.pushLatency('snapshot', performance.now() - started);
    let last = revision;
    for (;;) {
      if (params.signal.aborted) return;
      if (ended !== undefined) throw ended;
      if (pending.pending === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      const change = pending.take();
      await sendChange(deps, change, last, send, false);
      deps.metrics.pushLatency('change', performance.now() - change.receivedAt);
      last = change.revision;
    }
  } finally {
    unsubscribe();
    params.signal.removeEventListener('abort', onAbort);
    deps.metrics.streamClosed();
  }
}

async function catchUp(deps: SyncSessionDeps, params: SyncSessionParams): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    deps.feed.whenApplied(params.fromRevision),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deps.catchUpMs ?? 2_000);
    }),
  ]);
  clearTimeout(timer);
}

async function sendSnapshot(deps: SyncSessionDeps, view: AgentView, revision: number, send: (m: SyncMessage) => Promise<void>): Promise<void> {
  const bundles = [deps.bundles.localTrustDomain, ...[...view.federatesWith].sort()]
    .map((td) => deps.bundles.get(td))
    .filter((b): b is BundleSnapshot => b !== undefined);
  const chunks = chunkContent({ upserts: [...view.entries.values()], removals: [], bundles, removedBundles: [] }, deps.limits);
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i] as (typeof chunks)[number];
    await send({ revision, snapshot: true, snapshotDone: i === chunks.length - 1, ...chunk });
  }
}

async function sendChange(
  deps: SyncSessionDeps,
  change: ViewChange,
  previous: number,
  send: (m: SyncMessage) => Promise<void>,
  always: boolean,
): Promise<void> {
  const bundles: BundleSnapshot[] = [];
  const removedBundles = [...change.bundlesRemoved];
  for (const td of change.bundlesUpdated) {
    const bundle = deps.bundles.get(td);
    if (bundle !== undefined) bundles.push(bundle);
    else removedBundles.push(td);
  }
  const content = { upserts: change.upserts, removals: change.removals, bundles, removedBundles };
  if (!always && content.upserts.length + content.removals.length + bundles.length + removedBundles.length === 0) return;
  const chunks = chunkContent(content, deps.limits);
  // The push continues the trace of the change that caused it (the registrar's request).
  const origin = deps.feed.traceOf?.(previous, change.revision);
  const parent = origin === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, { traceparent: origin });
  const span = origin === undefined ? undefined : tracer().startSpan('signet.sync.push', { kind: SpanKind.PRODUCER, attributes: { 'signet.revision': change.revision, 'signet.upserts': content.upserts.length, 'signet.removals': content.removals.length } }, parent);
  const carrier: Record<string, string> = {};
  if (span !== undefined) propagation.inject(trace.setSpan(parent, span), carrier);
  try {
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i] as (typeof chunks)[number];
      await send({ revision: i === chunks.length - 1 ? change.revision : previous, snapshot: false, snapshotDone: false, ...chunk, ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}) });
    }
  } finally {
    span?.end();
  }
}

function tracer() {
  return trace.getTracer('signet-attestation');
}
