/**
 * JWT-SVIDs cached per (entry, audience set) until half their life has passed, so a workload
 * asking again gets the same token instead of a signature from the CA each time. Concurrent
 * requests for the same key share one CA call. Bounded: the least recently used tokens go first.
 * @module
 */
import type { Clock } from '@signet/platform';
import type { AgentEntry } from '../domain/entry.js';

/** A JWT-SVID as the CA returns it. */
export interface MintedJwtSvid {
  readonly token: string;
  /** Unix seconds. */
  readonly expiresAt: number;
}

/** The CA, as the JWT cache uses it. */
export interface JwtSvidSigner {
  /** Signs a JWT-SVID for an entry with these audiences. Throws an ApiError on refusal. */
  mint(entryId: string, audience: readonly string[], signal?: AbortSignal): Promise<MintedJwtSvid>;
}

interface Cached {
  readonly svid: MintedJwtSvid;
  /** When the token stops being handed out, Unix ms. */
  readonly freshUntilMs: number;
}

/** Options of {@link JwtSvidCache}. */
export interface JwtSvidCacheOptions {
  readonly signer: JwtSvidSigner;
  readonly clock: Clock;
  /** Most tokens kept (default 1 000). */
  readonly maxEntries?: number;
}

/** The canonical cache key of an audience set. */
export function audienceKey(audience: readonly string[]): string {
  return [...new Set(audience)].sort().join('\n');
}

/** JWT-SVIDs by entry and audience set. */
export class JwtSvidCache {
  readonly #o: JwtSvidCacheOptions;
  readonly #max: number;
  readonly #tokens = new Map<string, Cached>();
  readonly #inflight = new Map<string, Promise<MintedJwtSvid>>();

  constructor(options: JwtSvidCacheOptions) {
    this.#o = options;
    this.#max = options.maxEntries ?? 1_000;
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.#tokens.size;
  }

  /** A fresh JWT-SVID for `entry` and `audience` (cached, or signed now). */
  async get(entry: AgentEntry, audience: readonly string[], signal?: AbortSignal): Promise<MintedJwtSvid> {
    const key = `${entry.id}\u0000${entry.spiffeId}\u0000${entry.jwtSvidTtl}\u0000${audienceKey(audience)}`;
    const now = this.#o.clock.nowMs();
    const cached = this.#tokens.get(key);
    if (cached !== undefined && cached.freshUntilMs > now) {
      this.#tokens.delete(key);
      this.#tokens.set(key, cached);
      return cached.svid;
    }
    const pending = this.#inflight.get(key);
    if (pending !== undefined) return pending;
    const minted = this.#o.signer
      .mint(entry.id, [...new Set(audience)], signal)
      .then((svid) => {
        const issuedAt = this.#o.clock.nowMs();
        const freshUntilMs = issuedAt + Math.max(0, svid.expiresAt * 1000 - issuedAt) / 2;
        this.#tokens.delete(key);
        this.#tokens.set(key, { svid, freshUntilMs });
        while (this.#tokens.size > this.#max) this.#tokens.delete(this.#tokens.keys().next().value!);
        return svid;
      })
      .finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, minted);
    return minted;
  }

  /** Forgets every token of an entry (it changed or left). */
  forgetEntry(entryId: string): void {
    for (const key of this.#tokens.keys()) if (key.startsWith(`${entryId}\u0000`)) this.#tokens.delete(key);
  }

  /** Forgets every token (the JWT keys rotated). */
  clear(): void {
    this.#tokens.clear();
  }
}
