/**
 * The secrets of one workload view, by the names Envoy asks for:
 * - a SPIFFE ID of one of the workload's SVIDs → that SVID (`tls_certificate`);
 * - the default SVID name (`default`) → the workload's first SVID;
 * - the default bundle name (`ROOTCA`) and the own trust domain's ID → the own bundle;
 * - a federated trust domain's ID → that bundle, if the workload's entries federate with it;
 * - the all-bundles name (`ALL`) → the own bundle plus every federated one.
 *
 * Anything else (including a SPIFFE ID the workload is not entitled to) does not exist for this
 * workload. Each secret is encoded at most once per catalog and form, whatever the number of
 * streams asking for it.
 * @module
 */
import type { TrustBundle, WorkloadView } from '../domain/view.js';
import type { BundleSecretCache } from './bundle-cache.js';
import type { ResolvedSdsConfig } from './config.js';
import { encodeTlsCertificate, encodeValidationContext } from './secret-encoder.js';
import type { SdsResource, SecretLookup, ValidatorForm } from './resource.js';

/** The configured aliases. */
export type SecretNames = Pick<ResolvedSdsConfig, 'defaultSvidName' | 'defaultBundleName' | 'allBundlesName'>;

/** What a name designates in a view. */
type Target = { readonly kind: 'svid'; readonly index: number } | { readonly kind: 'bundles'; readonly bundles: readonly TrustBundle[] };

/** Options of a {@link SecretCatalog}. */
export interface SecretCatalogOptions {
  /** The agent's own trust domain name (without scheme). */
  readonly trustDomain: string;
  readonly names: SecretNames;
  /** Shares encoded validation contexts across catalogs. */
  readonly bundleCache?: BundleSecretCache;
  /** Called when a secret cannot be encoded (it is then treated as absent). Must not log key material. */
  readonly onEncodeError?: (name: string, err: unknown) => void;
}

const SPIFFE_SCHEME = 'spiffe://';
/** Names whose slots a catalog keeps in arrays before using a Map. */
const LINEAR_SLOTS = 8;
/** The default SVID name's target (most catalogs have one). */
const FIRST_SVID: Target = Object.freeze({ kind: 'svid', index: 0 });

/** What a catalog knows of one name: what it designates, and its secret per form once encoded. */
interface NameSlot {
  readonly target: Target | null;
  /** The secret in the SPIFFE-validator form; for SVIDs, whatever the form (they do not differ). */
  spiffe?: SdsResource | null;
  trustedCa?: SdsResource | null;
}

/** The secrets of one immutable {@link WorkloadView}. */
export class SecretCatalog {
  readonly view: WorkloadView;
  readonly #opts: SecretCatalogOptions;
  /**
   * One slot per name asked for. A catalog is made per view change (a rotation makes one per
   * workload) and is usually asked for a name or two: the first {@link LINEAR_SLOTS} live in two
   * small arrays searched linearly, which cost less than a Map; more go to a Map.
   */
  readonly #names: string[] = [];
  readonly #slots: NameSlot[] = [];
  #more: Map<string, NameSlot> | undefined;
  #spiffeLookup: SecretLookup | undefined;
  #trustedCaLookup: SecretLookup | undefined;

  /**
   * `previous`, a catalog of an earlier view, lends the slots whose source both views share: its
   * bundle slots when both hold the same bundle objects (an SVID rotation), its SVID slots when both
   * hold the same SVID list (a bundle change, and the intermediate step of a CA rotation, which
   * pushes the new bundles with the SVIDs already sent). Those secrets stay encoded and the names
   * need no classifying again. Nothing of `previous` is kept but those slots.
   */
  constructor(view: WorkloadView, options: SecretCatalogOptions, previous?: SecretCatalog) {
    this.view = view;
    this.#opts = options;
    if (previous === undefined) return;
    const sameSvids = previous.view.svids === view.svids;
    const sameBundles = previous.view.bundle === view.bundle && previous.view.federatedBundles === view.federatedBundles;
    if (!sameSvids && !sameBundles) return;
    previous.#forEachSlot((name, slot) => {
      if (slot.target?.kind === 'svid' && sameSvids) this.#keep(name, slot);
      // A bundle name stays a bundle unless the new view has an SVID by that name (an ID).
      else if (slot.target?.kind === 'bundles' && sameBundles && !view.svids.some((svid) => svid.spiffeId === name)) this.#keep(name, slot);
    });
  }

  /** The secret `name` in `form`, or `undefined` if the workload has none by that name. */
  resolve(name: string, form: ValidatorForm): SdsResource | undefined {
    const slot = this.#slotOf(name);
    const { target } = slot;
    if (target === null) return undefined;
    // Only bundles differ by form; an SVID's secret is the same in both.
    if (target.kind === 'bundles' && form === 'trusted_ca') {
      if (slot.trustedCa === undefined) slot.trustedCa = this.#encode(name, target, form);
      return slot.trustedCa ?? undefined;
    }
    if (slot.spiffe === undefined) slot.spiffe = this.#encode(name, target, form);
    return slot.spiffe ?? undefined;
  }

  /** Whether `name` designates bundles (a validation context) in this view; nothing is encoded. */
  designatesBundles(name: string): boolean {
    return this.#slotOf(name).target?.kind === 'bundles';
  }

  /** {@link resolve} bound to `form` (the same function for every call with the same form). */
  lookup(form: ValidatorForm): SecretLookup {
    if (form === 'trusted_ca') return (this.#trustedCaLookup ??= (name) => this.resolve(name, 'trusted_ca'));
    return (this.#spiffeLookup ??= (name) => this.resolve(name, 'spiffe'));
  }

  #keep(name: string, slot: NameSlot): void {
    if (this.#names.length < LINEAR_SLOTS) {
      this.#names.push(name);
      this.#slots.push(slot);
    } else (this.#more ??= new Map()).set(name, slot);
  }

  #forEachSlot(fn: (name: string, slot: NameSlot) => void): void {
    for (let i = 0; i < this.#names.length; i++) fn(this.#names[i]!, this.#slots[i]!);
    this.#more?.forEach((slot, name) => fn(name, slot));
  }

  /** The slot of `name`, classified now if it has none yet. */
  #slotOf(name: string): NameSlot {
    let slot = this.#slot(name);
    if (slot === undefined) {
      slot = { target: this.#classify(name) };
      this.#keep(name, slot);
    }
    return slot;
  }

  #slot(name: string): NameSlot | undefined {
    const at = this.#names.indexOf(name);
    return at >= 0 ? this.#slots[at] : this.#more?.get(name);
  }

  #encode(name: string, target: Target, form: ValidatorForm): SdsResource | null {
    try {
      if (target.kind === 'svid') {
        const svid = this.view.svids[target.index];
        return svid === undefined ? null : encodeTlsCertificate(name, svid);
      }
      const cache = this.#opts.bundleCache;
      return cache === undefined ? encodeValidationContext(name, target.bundles, form) : cache.validationContext(name, target.bundles, form);
    } catch (err) {
      this.#opts.onEncodeError?.(name, err);
      return null;
    }
  }

  #classify(name: string): Target | null {
    const { names, trustDomain } = this.#opts;
    const view = this.view;
    if (name === names.defaultSvidName) return view.svids.length > 0 ? FIRST_SVID : null;
    if (name === names.defaultBundleName) return bundles([view.bundle]);
    if (name === names.allBundlesName) {
      const own = usable(view.bundle);
      if (own === undefined) return null;
      const all = [own];
      for (const [td, bundle] of view.federatedBundles) {
        if (td !== own.trustDomain && usable(bundle) !== undefined) all.push(bundle);
      }
      return { kind: 'bundles', bundles: all };
    }
    if (!name.startsWith(SPIFFE_SCHEME)) return null;
    const index = view.svids.findIndex((svid) => svid.spiffeId === name);
    if (index >= 0) return { kind: 'svid', index };
    const td = name.slice(SPIFFE_SCHEME.length);
    if (td === trustDomain) return bundles([view.bundle]);
    return bundles([view.federatedBundles.get(td)]);
  }
}

/** A bundle that can make a validation context (it has X.509 roots). */
function usable(bundle: TrustBundle | undefined): TrustBundle | undefined {
  return bundle !== undefined && bundle.x509Authorities.length > 0 ? bundle : undefined;
}

function bundles(list: readonly (TrustBundle | undefined)[]): Target | null {
  const ok = list.map(usable);
  if (ok.some((b) => b === undefined)) return null;
  return { kind: 'bundles', bundles: ok as TrustBundle[] };
}
