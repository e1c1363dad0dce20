/**
 * The control plane's own X.509-SVID (`spiffe://<td>/spire/server`), which its TCP listeners
 * present to agents. The key is generated in this process and never leaves it; the SVID is signed
 * by the in-process CA and renewed at half of its life.
 */
import { generateKeyPairSync } from 'node:crypto';
import { X509Svid } from '@signet/spiffe';
import { X509SvidHolder, type Clock, type Logger } from '@signet/platform';

/** What this module needs of the CA: signing an SVID for a public key as the server itself. */
export interface ServerSvidSigner {
  sign(params: { publicKey: Uint8Array; spiffeId: string; ttlSeconds: number }): Promise<{ certChain: readonly Uint8Array[]; expiresAt: Date }>;
}

/** Options of {@link startServerSvid}. */
export interface ServerSvidOptions {
  readonly spiffeId: string;
  readonly signer: ServerSvidSigner;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ttlSeconds?: number;
}

/** A running server SVID: the holder the transports read, and `close()` to stop renewing. */
export interface ServerSvid {
  readonly holder: X509SvidHolder;
  close(): void;
}

async function mint(o: ServerSvidOptions): Promise<{ svid: X509Svid; expiresAt: Date }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const signed = await o.signer.sign({ publicKey: spki, spiffeId: o.spiffeId, ttlSeconds: o.ttlSeconds ?? 3600 });
  return { svid: X509Svid.fromParts(signed.certChain, privateKey), expiresAt: signed.expiresAt };
}

/** Mints the first SVID and keeps renewing it at half-life (retrying every 10 s on failure). */
export async function startServerSvid(o: ServerSvidOptions): Promise<ServerSvid> {
  const first = await mint(o);
  const holder = new X509SvidHolder(first.svid);
  let cancel: (() => void) | undefined;
  let closed = false;
  const schedule = (issuedAt: Date, expiresAt: Date) => {
    const delay = Math.max(1000, (expiresAt.getTime() - issuedAt.getTime()) / 2);
    cancel = o.clock.setTimeout(() => void renew(), delay);
  };
  const renew = async () => {
    if (closed) return;
    const now = o.clock.now();
    try {
      const next = await mint(o);
      holder.set(next.svid);
      o.logger.info({ spiffe_id: o.spiffeId, expires_at: next.expiresAt.toISOString() }, 'server SVID renewed');
      schedule(now, next.expiresAt);
    } catch (err) {
      o.logger.warn({ err }, 'server SVID renewal failed; retrying in 10s');
      cancel = o.clock.setTimeout(() => void renew(), 10_000);
    }
  };
  schedule(o.clock.now(), first.expiresAt);
  return {
    holder,
    close() {
      closed = true;
      cancel?.();
    },
  };
}
