/**
 * Signs the server SVID requests of Signet processes that do not hold the CA (a standalone
 * attestation or registrar service): each such process writes its public key to the datastore,
 * and every CA process polls for pending requests, signs them for the server's SPIFFE ID, and
 * writes the chain back. Replicas never sign the same request twice (rows are claimed with
 * SKIP LOCKED).
 * @module
 */
import { claimPendingServerSvidRequests, completeServerSvidRequest, pruneServerSvidRequests, type Db } from '@signet/datastore';
import type { Clock, Logger } from '@signet/platform';
import type { CaSigner } from '../signing/signer.js';

/** Options of {@link startServerSvidRequestSigner}. */
export interface ServerSvidRequestSignerOptions {
  readonly db: Db;
  readonly signer: Pick<CaSigner, 'signX509Svid'>;
  /** The SPIFFE ID server SVIDs are issued for. */
  readonly serverId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often pending requests are looked for, ms (default 500). */
  readonly intervalMs?: number;
}

/** Starts polling; returns a function that stops it. */
export function startServerSvidRequestSigner(o: ServerSvidRequestSignerOptions): () => Promise<void> {
  let running: Promise<void> | undefined;
  let lastPrune = 0;
  const tick = (): void => {
    if (running !== undefined) return;
    running = signPending(o)
      .then(async () => {
        const now = o.clock.nowMs();
        if (now - lastPrune > 3_600_000) {
          lastPrune = now;
          await pruneServerSvidRequests(o.db, new Date(now - 86_400_000));
        }
      })
      .catch((err: unknown) => o.logger.warn({ err }, 'ca: signing server SVID requests failed; retrying'))
      .finally(() => {
        running = undefined;
      });
  };
  const cancel = o.clock.setInterval(tick, o.intervalMs ?? 500);
  tick();
  return async () => {
    cancel();
    await running;
  };
}

async function signPending(o: ServerSvidRequestSignerOptions): Promise<void> {
  await o.db.transaction(async (tx) => {
    for (const req of await claimPendingServerSvidRequests(tx, 20)) {
      try {
        const signed = await o.signer.signX509Svid({ kind: 'admin', via: 'inproc' }, { publicKey: req.publicKey, spiffeId: o.serverId, ttlSeconds: req.ttlSeconds });
        await completeServerSvidRequest(tx, req.id, { certChain: signed.certChain }, o.clock.now());
        o.logger.info({ service: req.service, request_id: req.id, spiffe_id: o.serverId }, 'ca: signed a server SVID');
      } catch (err) {
        await completeServerSvidRequest(tx, req.id, { error: err instanceof Error ? err.message : String(err) }, o.clock.now());
        o.logger.warn({ err, service: req.service, request_id: req.id }, 'ca: refused a server SVID request');
      }
    }
  });
}
