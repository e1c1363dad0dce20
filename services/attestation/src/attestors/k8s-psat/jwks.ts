/**
 * The keys of a cluster's service-account token issuer: a JWKS read from a file, or found
 * through OIDC discovery on the API server. Keys are cached; an unknown `kid` triggers a
 * reload (at most once per `minRefreshMs`), and the cache is refreshed after `maxAgeMs`.
 * @module
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Clock } from '@signet/platform';
import type { KubeApiClient } from './kube-client.js';

/** A loaded key set, and the issuer it belongs to when known (from OIDC discovery). */
export interface IssuerKeySet {
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly issuer: string | undefined;
}

/** Loads a key set. */
export type KeySetLoader = () => Promise<IssuerKeySet>;

/** Options of {@link IssuerKeys}. */
export interface IssuerKeysOptions {
  readonly load: KeySetLoader;
  readonly clock: Clock;
  /** Least time between two reloads caused by unknown key ids, ms (default 30 000). */
  readonly minRefreshMs?: number;
  /** Reload after this long regardless, ms (default 300 000). */
  readonly maxAgeMs?: number;
}

/** A cached, self-refreshing issuer key set. */
export class IssuerKeys {
  readonly #options: IssuerKeysOptions;
  #current: { set: IssuerKeySet; loadedAtMs: number } | undefined;
  #loading: Promise<IssuerKeySet> | undefined;

  constructor(options: IssuerKeysOptions) {
    this.#options = options;
  }

  /** The candidate keys for a token with `kid` (all keys when it has none), and the issuer. */
  async lookup(kid: string | undefined): Promise<{ keys: KeyObject[]; issuer: string | undefined }> {
    const now = this.#options.clock.nowMs();
    let set = this.#current;
    if (set === undefined || now - set.loadedAtMs >= (this.#options.maxAgeMs ?? 300_000)) {
      await this.#reload();
      set = this.#current;
    } else if (kid !== undefined && !set.set.keys.has(kid) && now - set.loadedAtMs >= (this.#options.minRefreshMs ?? 30_000)) {
      await this.#reload();
      set = this.#current;
    }
    if (set === undefined) return { keys: [], issuer: undefined };
    const keys = kid === undefined ? [...set.set.keys.values()] : [set.set.keys.get(kid)].filter((k): k is KeyObject => k !== undefined);
    return { keys, issuer: set.set.issuer };
  }

  async #reload(): Promise<void> {
    this.#loading ??= this.#options.load().finally(() => {
      this.#loading = undefined;
    });
    const set = await this.#loading;
    this.#current = { set, loadedAtMs: this.#options.clock.nowMs() };
  }
}

/** Parses a JWKS document: keys by `kid` (keys without one are keyed `#<index>`); private keys are refused. */
export function parseJwks(doc: unknown, what: string): Map<string, KeyObject> {
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error(`${what}: not a JWKS document (no "keys" array)`);
  const out = new Map<string, KeyObject>();
  keys.forEach((jwk: unknown, index) => {
    if (typeof jwk !== 'object' || jwk === null) throw new Error(`${what}: keys[${index}] is not an object`);
    const entry = jwk as Record<string, unknown>;
    if (entry['use'] !== undefined && entry['use'] !== 'sig') return;
    if ('d' in entry) throw new Error(`${what}: keys[${index}] holds private key material`);
    let key: KeyObject;
    try {
      key = createPublicKey({ key: entry as JsonWebKey, format: 'jwk' });
    } catch (err) {
      throw new Error(`${what}: keys[${index}] is not a usable public key`, { cause: err });
    }
    const kid = typeof entry['kid'] === 'string' ? entry['kid'] : `#${index}`;
    if (out.has(kid)) throw new Error(`${what}: key id ${JSON.stringify(kid)} appears twice`);
    out.set(kid, key);
  });
  return out;
}

/** Loads a JWKS file (re-read on every reload). */
export function fileKeySetLoader(path: string, issuer?: string): KeySetLoader {
  return async () => ({ keys: parseJwks(JSON.parse(await readFile(path, 'utf8')) as unknown, `JWKS file ${path}`), issuer });
}

/**
 * Loads the issuer's keys through OIDC discovery: `discoveryUrl` (by default
 * `<api server>/.well-known/openid-configuration`) names the issuer and its `jwks_uri`.
 */
export function oidcKeySetLoader(client: KubeApiClient, discoveryUrl: string): KeySetLoader {
  return async () => {
    const discovery = await client.getJson<{ issuer?: unknown; jwks_uri?: unknown }>(discoveryUrl);
    if (typeof discovery.jwks_uri !== 'string' || typeof discovery.issuer !== 'string') {
      throw new Error(`OIDC discovery document ${discoveryUrl} lacks "issuer" or "jwks_uri"`);
    }
    const jwks = await client.getJson<unknown>(discovery.jwks_uri);
    return { keys: parseJwks(jwks, `JWKS ${discovery.jwks_uri}`), issuer: discovery.issuer };
  };
}
