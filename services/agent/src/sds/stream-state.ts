/**
 * What SotW and Delta streams share: the subscribed names, what the client last received of each
 * (by version), and the nonces of recent responses. Pure: no I/O, no clock; nonces come from an
 * injected generator.
 * @module
 */
import { setVersion } from './digest.js';
import type { SdsResource, SecretLookup } from './resource.js';

/** How many recent responses' names are kept to name the secrets of a NACK. */
const RECENT_RESPONSES = 4;

/** A response built by a stream state: its nonce, a stream-level version and the resources. */
export interface BuiltResponse {
  readonly nonce: string;
  /** A hash over every `name → version` the client has received on this stream (and still wants). */
  readonly streamVersion: string;
  readonly resources: readonly SdsResource[];
}

/** An empty name list, shared. */
export const NO_NAMES: readonly string[] = Object.freeze([]);

/** Names in first-seen order, without duplicates (`names` itself when it has none). */
export function dedupe(names: readonly string[]): readonly string[] {
  if (names.length < 2) return names;
  if (names.length <= 8) {
    let duplicate = false;
    for (let i = 1; i < names.length && !duplicate; i++) duplicate = names.indexOf(names[i]!) < i;
    if (!duplicate) return names;
  }
  return [...new Set(names)];
}

/** Subscription and delivery state of one stream. */
export abstract class StreamStateBase {
  /** Subscribed names, in subscription order. */
  protected readonly subscribed = new Set<string>();
  /** name → version the client last received from this stream (sent, ACKed or NACKed). */
  protected readonly sent = new Map<string, string>();
  readonly #newNonce: () => string;
  #lastNonce: string | undefined;
  /** Recent responses, newest first, with the names they carried (one name as itself, without an array). */
  readonly #recent: { readonly nonce: string; readonly names: string | readonly string[] }[] = [];

  protected constructor(newNonce: () => string) {
    this.#newNonce = newNonce;
  }

  /** The nonce of the latest response, or `undefined` before the first. */
  get lastNonce(): string | undefined {
    return this.#lastNonce;
  }

  /** The subscribed names, in subscription order. */
  get names(): readonly string[] {
    return [...this.subscribed];
  }

  /** Whether a subscribed name passes `test`. */
  someSubscribed(test: (name: string) => boolean): boolean {
    for (const name of this.subscribed) if (test(name)) return true;
    return false;
  }

  /** The version of `name` the client last received on this stream. */
  sentVersion(name: string): string | undefined {
    return this.sent.get(name);
  }

  /** What a push from `lookup` would send now (subscribed names whose content the client lacks), without sending it. */
  preview(lookup: SecretLookup): SdsResource[] {
    return this.collect(this.subscribed, lookup, undefined);
  }

  /** The names of the response sent with `nonce`, if it is recent; else the subscribed names. */
  protected namesOfResponse(nonce: string): readonly string[] {
    const names = this.#recent.find((r) => r.nonce === nonce)?.names;
    return names === undefined ? this.names : typeof names === 'string' ? [names] : names;
  }

  /** Existing resources among `names` that are forced or differ from what the client has. */
  protected collect(names: Iterable<string>, lookup: SecretLookup, forced: ReadonlySet<string> | 'all' | undefined): SdsResource[] {
    const out: SdsResource[] = [];
    // A Set holds no name twice; other lists are deduplicated as they are read.
    const seen = names instanceof Set ? undefined : new Set<string>();
    for (const name of names) {
      if (seen !== undefined) {
        if (seen.has(name)) continue;
        seen.add(name);
      }
      const resource = lookup(name);
      if (resource === undefined) continue;
      const force = forced === 'all' || (forced !== undefined && forced.has(name));
      if (force || this.sent.get(name) !== resource.version) out.push(resource);
    }
    return out;
  }

  /** Records `resources` as sent under a new nonce; `undefined` when there is nothing to send. */
  protected build(resources: readonly SdsResource[]): BuiltResponse | undefined {
    if (resources.length === 0) return undefined;
    for (const r of resources) this.sent.set(r.name, r.version);
    const nonce = this.#newNonce();
    this.#lastNonce = nonce;
    this.#recent.unshift({ nonce, names: resources.length === 1 ? resources[0]!.name : resources.map((r) => r.name) });
    this.#recent.length = Math.min(this.#recent.length, RECENT_RESPONSES);
    return { nonce, streamVersion: setVersion(this.sent), resources };
  }

  /** Forgets delivery state of names no longer subscribed. */
  protected pruneSent(): void {
    for (const name of [...this.sent.keys()]) if (!this.subscribed.has(name)) this.sent.delete(name);
  }
}
