/**
 * Keeps the identity cache's X.509-SVIDs issued and fresh: for each entry that needs one, a key
 * is generated here (it never leaves the agent), the CA signs a CSR for it, and the SVID is
 * renewed at half its life, with jitter so a fleet does not renew in step. Entries are signed
 * in batches; a CA that cannot be reached is retried with backoff while the cached SVIDs keep
 * being served.
 * @module
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { ApiCode, Clock, Logger } from '@signet/platform';
import { ApiError } from '@signet/platform';
import { X509Svid, createCsr } from '@signet/spiffe';
import type { AgentEntry } from '../domain/entry.js';
import type { HeldSvid, IdentityCache } from './identity-cache.js';
import { Backoff } from './backoff.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** One CSR to sign for an entry. */
export interface X509SvidRequest {
  readonly entryId: string;
  /** PKCS#10, DER. */
  readonly csr: Uint8Array;
}

/** The outcome of one request of a batch. */
export type X509SvidResult =
  | { readonly ok: true; readonly certChain: readonly Uint8Array[] }
  | { readonly ok: false; readonly code: ApiCode; readonly message: string };

/** The CA, as the issuer uses it. */
export interface X509SvidSigner {
  /** Signs a batch; one result per request, in order. Throws (an ApiError) when the CA cannot be reached. */
  mintBatch(requests: readonly X509SvidRequest[], signal?: AbortSignal): Promise<X509SvidResult[]>;
}

/** Key types for workload SVIDs. */
export type SvidKeyType = 'ec-p256' | 'ec-p384' | 'rsa-2048';

/** Options of {@link SvidIssuer}. */
export interface SvidIssuerOptions {
  readonly cache: IdentityCache;
  readonly signer: X509SvidSigner;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly keyType?: SvidKeyType;
  /** Requests per CA call (default 100). */
  readonly batchSize?: number;
  /** Renewal happens at half-life minus up to this fraction of the lifetime (default 0.1). */
  readonly jitter?: number;
  readonly random?: () => number;
  /** Called after each batch with its counts, for metrics. */
  readonly onBatch?: (outcome: { readonly issued: number; readonly failed: number; readonly seconds: number }) => void;
}

/** Issues and renews the SVIDs of the identity cache. */
export class SvidIssuer {
  readonly #o: SvidIssuerOptions;
  readonly #batchSize: number;
  readonly #jitter: number;
  readonly #random: () => number;
  readonly #retryAt = new Map<string, number>();
  readonly #backoff: Backoff;
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #again = false;
  #cancelTimer: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopped = false;
  #kickScheduled = false;

  constructor(options: SvidIssuerOptions) {
    this.#o = options;
    this.#batchSize = options.batchSize ?? 100;
    this.#jitter = options.jitter ?? 0.1;
    this.#random = options.random ?? Math.random;
    this.#backoff = new Backoff({ initialMs: 500, maxMs: 30_000, random: this.#random });
  }

  /** Starts following the cache: issues what is due now and whenever more becomes due. */
  start(): void {
    this.#unsubscribe = this.#o.cache.onNeed(() => this.kick());
    this.kick();
  }

  /** Asks for a pass over the due entries; requests in one tick coalesce into one pass. */
  kick(): void {
    if (this.#stopped || this.#kickScheduled) return;
    this.#kickScheduled = true;
    setImmediate(() => {
      this.#kickScheduled = false;
      this.#startPass();
    });
  }

  #startPass(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /** Resolves once no pass is running or scheduled (for tests and shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#running !== undefined) await this.#running;
      else if (!this.#kickScheduled) return;
    }
  }

  /** Stops issuing. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#cancelTimer?.();
    this.#abort.abort();
    await this.#running?.catch(() => {});
  }

  async #run(): Promise<void> {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const { cache, clock } = this.#o;
    for (;;) {
      if (this.#stopped) return;
      const now = clock.nowMs();
      const due = cache.due(now).filter((e) => (this.#retryAt.get(e.id) ?? 0) <= now);
      if (due.length === 0) break;
      for (let i = 0; i < due.length; i += this.#batchSize) {
        const ok = await this.#issueBatch(due.slice(i, i + this.#batchSize));
        if (!ok) {
          this.#schedule(clock.nowMs() + this.#backoff.next());
          return;
        }
      }
    }
    cache.evictIdle();
    this.#schedule(this.#nextWake());
  }

  #nextWake(): number {
    let next = this.#o.cache.nextRenewalMs();
    for (const at of this.#retryAt.values()) next = Math.min(next, at);
    return next;
  }

  #schedule(atMs: number): void {
    if (this.#stopped || !Number.isFinite(atMs)) return;
    this.#cancelTimer?.();
    this.#cancelTimer = this.#o.clock.setTimeout(() => this.kick(), Math.max(0, atMs - this.#o.clock.nowMs()));
  }

  /** Signs one batch; false when the CA could not be reached (the caller backs off). */
  async #issueBatch(entries: readonly AgentEntry[]): Promise<boolean> {
    const started = performance.now();
    const keys = await Promise.all(entries.map(() => this.#newKey()));
    const requests = entries.map((e, i) => ({ entryId: e.id, csr: createCsr({ privateKey: keys[i]!.privateKey }) }));
    let results: X509SvidResult[];
    try {
      results = await this.#o.signer.mintBatch(requests, this.#abort.signal);
    } catch (err) {
      if (this.#stopped) return false;
      this.#o.logger.warn({ err: summary(err), entries: entries.length }, 'agent: the CA could not sign SVIDs; keeping the cached ones and retrying');
      return false;
    }
    this.#backoff.reset();
    let issued = 0;
    let failed = 0;
    const now = this.#o.clock.nowMs();
    entries.forEach((entry, i) => {
      const result = results[i];
      if (result === undefined || !result.ok) {
        failed++;
        this.#retryAt.set(entry.id, now + 5_000 + this.#random() * 5_000);
        this.#o.logger.warn(
          { entry_id: entry.id, spiffe_id: entry.spiffeId, code: result?.ok === false ? result.code : 'internal', reason: result?.ok === false ? result.message : 'no result' },
          'agent: the CA refused an SVID',
        );
        return;
      }
      try {
        this.#o.cache.putSvid(entry.id, this.#held(entry, result.certChain, keys[i]!.privateKey));
        this.#retryAt.delete(entry.id);
        issued++;
      } catch (err) {
        failed++;
        this.#retryAt.set(entry.id, now + 5_000 + this.#random() * 5_000);
        this.#o.logger.error({ err: summary(err), entry_id: entry.id }, 'agent: the CA returned an SVID that is not valid for its entry');
      }
    });
    this.#o.onBatch?.({ issued, failed, seconds: (performance.now() - started) / 1000 });
    return true;
  }

  #held(entry: AgentEntry, chain: readonly Uint8Array[], privateKey: KeyObject): HeldSvid {
    const svid = X509Svid.fromParts(chain, privateKey);
    if (svid.id.toString() !== entry.spiffeId) {
      throw new ApiError('internal', `the SVID is for ${svid.id.toString()}, not ${entry.spiffeId}`);
    }
    const notBefore = svid.leaf.notBefore.getTime();
    const notAfter = svid.leaf.notAfter.getTime();
    const life = Math.max(0, notAfter - notBefore);
    const renewAtMs = notBefore + life / 2 - this.#random() * this.#jitter * life;
    return {
      entry,
      notBeforeMs: notBefore,
      renewAtMs,
      svid: {
        entryId: entry.id,
        spiffeId: entry.spiffeId,
        hint: entry.hint,
        certChain: svid.certificates,
        privateKey: new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })),
        expiresAt: Math.floor(notAfter / 1000),
        federatesWith: entry.federatesWith,
      },
    };
  }

  async #newKey(): Promise<{ privateKey: KeyObject }> {
    switch (this.#o.keyType ?? 'ec-p256') {
      case 'ec-p256':
        return generateKeyPairAsync('ec', { namedCurve: 'P-256' });
      case 'ec-p384':
        return generateKeyPairAsync('ec', { namedCurve: 'P-384' });
      case 'rsa-2048':
        return generateKeyPairAsync('rsa', { modulusLength: 2048 });
    }
  }
}

/** A loggable summary of an error (never a key). */
function summary(err: unknown): { message: string; code?: string } {
  if (err instanceof ApiError) return { message: err.message, code: err.apiCode };
  return { message: err instanceof Error ? err.message : String(err) };
}
