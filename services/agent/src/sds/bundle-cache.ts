/**
 * A process-wide cache of encoded validation contexts, by content: every workload on the agent
 * is served the same own-trust-domain bundle, so it is encoded once per content (and form and
 * name), not once per workload. Bounded (least recently used entries go first). SVIDs are not
 * cached here: they are per workload and carry private keys.
 * @module
 */
import { createHash } from 'node:crypto';
import type { TrustBundle } from '../domain/view.js';
import { encodeValidationContext } from './secret-encoder.js';
import type { SdsResource, ValidatorForm } from './resource.js';

/** Content-addressed cache of validation-context secrets. */
export class BundleSecretCache {
  readonly #max: number;
  readonly #entries = new Map<string, SdsResource>();
  readonly #fingerprints = new WeakMap<TrustBundle, string>();
  /**
   * The usual request (one bundle: the own trust domain's) by bundle object, form and name: every
   * workload view holds the same bundle object, so a lookup costs no key string.
   */
  readonly #single: Readonly<Record<ValidatorForm, WeakMap<TrustBundle, Map<string, SdsResource>>>> = {
    spiffe: new WeakMap(),
    trusted_ca: new WeakMap(),
  };
  #hits = 0;
  #misses = 0;

  /** Keeps at most `maxEntries` secrets (default 1024). */
  constructor(maxEntries = 1024) {
    this.#max = Math.max(1, maxEntries);
  }

  /** The validation context of `bundles` under `name` in `form`, encoded at most once per content. */
  validationContext(name: string, bundles: readonly TrustBundle[], form: ValidatorForm): SdsResource {
    if (bundles.length !== 1) return this.#byContent(name, bundles, form);
    const bundle = bundles[0]!;
    const single = this.#single[form];
    let byName = single.get(bundle);
    if (byName === undefined) {
      byName = new Map();
      single.set(bundle, byName);
    }
    const hit = byName.get(name);
    if (hit !== undefined) {
      this.#hits++;
      return hit;
    }
    const made = this.#byContent(name, bundles, form);
    byName.set(name, made);
    return made;
  }

  #byContent(name: string, bundles: readonly TrustBundle[], form: ValidatorForm): SdsResource {
    const key = `${form}\n${name}\n${bundles.map((b) => this.#fingerprint(b)).sort().join(',')}`;
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#hits++;
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    this.#misses++;
    const made = encodeValidationContext(name, bundles, form);
    this.#entries.set(key, made);
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    return made;
  }

  /** Cache statistics (for tests and diagnosis). */
  stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.#entries.size, hits: this.#hits, misses: this.#misses };
  }

  #fingerprint(bundle: TrustBundle): string {
    let fp = this.#fingerprints.get(bundle);
    if (fp === undefined) {
      const hash = createHash('sha256').update(bundle.trustDomain).update('\0');
      for (const der of bundle.x509Authorities) hash.update(String(der.byteLength)).update(':').update(der);
      fp = hash.digest('base64');
      this.#fingerprints.set(bundle, fp);
    }
    return fp;
  }
}
