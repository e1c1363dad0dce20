/**
 * Driving the SyncAuthorized handler like a client: messages are collected as they are sent,
 * and a test awaits them (with a deadline, so a missing message fails instead of hanging).
 * @module
 */
import type { AttestationApp } from '../app.js';
import type { SyncAuthorizedResponse } from '../api/wire.js';
import { agentCaller, testCallContext } from './call-context.js';

/** An open stream. */
export interface TestStream {
  readonly messages: SyncAuthorizedResponse[];
  /** Resolves once `count` messages were received in total. */
  received(count: number, timeoutMs?: number): Promise<SyncAuthorizedResponse[]>;
  /** Settles when the handler returns (resolves) or fails (rejects). */
  readonly done: Promise<void>;
  /** Makes `send` wait until {@link TestStream.release} (a slow client). */
  hold(): void;
  release(): void;
  /** Cancels the call, as a client hanging up. */
  cancel(): void;
}

/** Opens SyncAuthorized for `agentId` from `fromRevision`. */
export function openSync(app: AttestationApp, agentId: string, fromRevision = 0): TestStream {
  const messages: SyncAuthorizedResponse[] = [];
  const waiters: (() => void)[] = [];
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const { ctx, abort } = testCallContext(agentCaller(agentId), 'signet.attestation.v1.Attestation/SyncAuthorized');
  const method = app.service['SyncAuthorized'];
  if (method?.type !== 'server_stream') throw new Error('SyncAuthorized is not a server stream');
  const done = method.handler({ from_revision: String(fromRevision) }, ctx, async (message: SyncAuthorizedResponse) => {
    if (gate !== undefined) await gate;
    messages.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  done.catch(() => undefined);
  return {
    messages,
    done,
    async received(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`expected ${count} messages, got ${messages.length}: ${JSON.stringify(messages.map(summary))}`);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => waiters.push(resolve)),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, remaining);
          }),
          done.then(
            () => undefined,
            () => undefined,
          ),
        ]);
        clearTimeout(timer);
        if (messages.length < count && (await Promise.race([done.then(() => true, () => true), Promise.resolve(false)]))) {
          throw new Error(`the stream ended after ${messages.length} of ${count} messages`);
        }
      }
      return messages.slice(0, count);
    },
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = undefined;
      open?.();
    },
    cancel: () => abort.abort(),
  };
}

/** A compact description of a message, for failure output. */
export function summary(m: SyncAuthorizedResponse): string {
  return `r${String(m.revision)}${m.snapshot ? ' snapshot' : ''}${m.snapshot_done ? ' done' : ''} +${m.upserts?.length ?? 0} -${m.removals?.length ?? 0} b${m.bundles?.length ?? 0}`;
}
