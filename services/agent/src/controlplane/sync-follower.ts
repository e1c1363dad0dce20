/**
 * Follows the control plane's push stream of authorized entries (SyncAuthorized): a snapshot,
 * then changes, applied to the identity cache as they arrive. After a reconnect it resumes from
 * the last applied revision; while the server is unreachable it retries with jittered backoff,
 * and the cache (so every SVID already issued) keeps being served.
 * @module
 */
import { propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ApiError, streamMessages, type Clock, type Logger } from '@signet/platform';
import { Backoff } from '../cache/backoff.js';
import type { IdentityCache } from '../cache/identity-cache.js';
import type { StateChange, SyncUpdate } from '../domain/sync-update.js';
import type { ControlPlaneClients } from './clients.js';
import { syncUpdateFromWire, type WireSyncResponse } from './wire.js';

/** The follower's connection state. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** Options of {@link SyncFollower}. */
export interface SyncFollowerOptions {
  readonly clients: ControlPlaneClients;
  readonly cache: IdentityCache;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when the control plane refuses the agent (evicted, banned). */
  readonly onRefused: (err: ApiError) => Promise<void>;
  /** Called when the control plane does not trust the agent SVID any more (authority revoked). */
  readonly onUntrusted?: (err: ApiError) => Promise<void>;
  /** Called after each applied message. */
  readonly onApplied?: (change: StateChange, revision: number) => void;
  readonly onState?: (state: ConnectionState) => void;
  readonly random?: () => number;
}

/** Keeps the identity cache in step with the control plane. */
export class SyncFollower {
  readonly #o: SyncFollowerOptions;
  readonly #backoff: Backoff;
  #stream: AbortController | undefined;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #state: ConnectionState = 'disconnected';
  #firstSync: { promise: Promise<void>; resolve: () => void };

  constructor(options: SyncFollowerOptions) {
    this.#o = options;
    this.#backoff = new Backoff({ initialMs: 500, maxMs: 30_000, random: options.random });
    let resolve!: () => void;
    this.#firstSync = { promise: new Promise<void>((r) => (resolve = r)), resolve };
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Resolves once the first snapshot has been applied. */
  synced(): Promise<void> {
    return this.#firstSync.promise;
  }

  /** Starts following. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Ends the current stream and opens a new one at once (the agent SVID changed). */
  reconnect(): void {
    this.#stream?.abort();
  }

  /** Stops following. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stream?.abort();
    await this.#loop;
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#o.onState?.(state);
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const ac = new AbortController();
      this.#stream = ac;
      this.#setState('connecting');
      const { cache } = this.#o;
      const from = cache.synced ? cache.revision : 0;
      let received = false;
      try {
        const call = this.#o.clients.attestation().SyncAuthorized({ from_revision: String(from) });
        for await (const msg of streamMessages(call, ac.signal) as AsyncIterable<WireSyncResponse>) {
          if (!received) {
            received = true;
            this.#setState('connected');
            this.#backoff.reset();
          }
          const update = syncUpdateFromWire(msg);
          const change = applyTraced(cache, update);
          if (update.snapshotDone) this.#firstSync.resolve();
          this.#o.onApplied?.(change, update.revision);
        }
        if (this.#stopped) break;
        if (!ac.signal.aborted) this.#o.logger.info('agent: the control plane ended the push stream; reconnecting');
      } catch (err) {
        if (this.#stopped) break;
        if (ac.signal.aborted) continue;
        this.#setState('disconnected');
        if (err instanceof ApiError && err.apiCode === 'permission_denied') {
          await this.#o.onRefused(err).catch(() => {});
          continue;
        }
        if (err instanceof ApiError && err.apiCode === 'unauthenticated' && this.#o.onUntrusted) {
          await this.#o.onUntrusted(err).catch(() => {});
        }
        const delay = this.#backoff.next();
        this.#o.logger.warn({ err: err instanceof Error ? err.message : String(err), retry_in_ms: delay }, 'agent: push stream from the control plane failed; serving from cache and retrying');
        await this.#o.clock.sleep(delay).catch(() => {});
        continue;
      }
      if (!received && !ac.signal.aborted) await this.#o.clock.sleep(this.#backoff.next()).catch(() => {});
    }
    this.#setState('disconnected');
  }
}

/**
 * Applies a message; a traced one (its `traceparent` names the registrar request that caused it)
 * is applied in a span of that trace, which the pushes it causes continue.
 */
export function applyTraced(cache: IdentityCache, update: SyncUpdate): StateChange {
  if (update.traceparent === undefined) return cache.applySync(update);
  const parent = propagation.extract(ROOT_CONTEXT, { traceparent: update.traceparent });
  const span = trace.getTracer('signet-agent').startSpan(
    'signet.agent.sync.apply',
    { kind: SpanKind.CONSUMER, attributes: { 'signet.revision': update.revision, 'signet.upserts': update.upserts.length, 'signet.removals': update.removals.length } },
    parent,
  );
  try {
    return cache.applySync(update, trace.setSpan(parent, span));
  } finally {
    span.end();
  }
}
