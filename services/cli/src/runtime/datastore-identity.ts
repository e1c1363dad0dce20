/**
 * What a Signet process that does not hold the CA needs to take part in mTLS: its server SVID,
 * requested through the datastore and signed by a CA process, and the local trust bundle, read
 * from the datastore and followed through the change log.
 */
import { X509Certificate } from 'node:crypto';
import { createServerSvidRequest, getServerSvidRequest, getBundle, latestRevision, subscribeEvents, type Db, type EventSubscription } from '@signet/datastore';
import { X509BundleHolder, type Clock, type Logger } from '@signet/platform';
import { SpiffeBundle, TrustDomain } from '@signet/spiffe';
import type { ServerSvidSigner } from './server-svid.js';

/** How long a process waits for a CA process to sign its server SVID. */
const SIGN_TIMEOUT_MS = 60_000;

/** A server SVID signer that goes through the datastore (a CA process signs the request). */
export function datastoreServerSvidSigner(db: Db, service: string, clock: Clock): ServerSvidSigner {
  return {
    async sign({ publicKey, ttlSeconds }) {
      const id = await createServerSvidRequest(db, { service, publicKey, ttlSeconds }, clock.now());
      const until = clock.nowMs() + SIGN_TIMEOUT_MS;
      for (;;) {
        const req = await getServerSvidRequest(db, id);
        if (req?.certChain !== undefined) {
          const leaf = new X509Certificate(req.certChain[0]!);
          return { certChain: req.certChain, expiresAt: new Date(leaf.validTo) };
        }
        if (req?.error !== undefined) throw new Error(`the CA refused the server SVID of ${service}: ${req.error}`);
        if (clock.nowMs() > until) throw new Error(`no CA process signed the server SVID of ${service} within ${SIGN_TIMEOUT_MS / 1000} s: is \`signet ca\` (or \`signet server\`) running on this database?`);
        await clock.sleep(200);
      }
    },
  };
}

/** The local bundle from the datastore, kept current by the change log. */
export async function followLocalBundle(db: Db, trustDomain: string, logger: Logger): Promise<{ holder: X509BundleHolder; close(): Promise<void> }> {
  const td = TrustDomain.parse(trustDomain);
  const holder = new X509BundleHolder();
  const refresh = async (): Promise<boolean> => {
    const stored = await getBundle(db, td.name);
    if (stored === undefined) return false;
    holder.set(SpiffeBundle.parse(td, JSON.stringify(stored.document)).x509Bundle());
    return true;
  };
  const events: EventSubscription = await subscribeEvents(db, {
    fromRevision: await latestRevision(db),
    onEvent: async (event) => {
      if (event.kind.startsWith('bundle.') || event.kind.startsWith('authority.')) await refresh();
    },
    onError: (err) => logger.warn({ err }, 'bundle: event subscription'),
  });
  if (!(await refresh())) {
    await events.close();
    throw new Error(`no trust bundle for ${td.name} in the database yet: start a CA process (\`signet ca\` or \`signet server\`) first`);
  }
  return { holder, close: () => events.close() };
}
