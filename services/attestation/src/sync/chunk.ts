/**
 * Splitting the content of a snapshot or a change into messages of bounded size: at most
 * `maxEntries` entries (upserts and removals together) and about `maxBytes` of encoded
 * protobuf each. Sizes are estimated from the fields (an upper bound of the wire size, within
 * a few bytes per field); an item larger than `maxBytes` alone still travels, alone.
 * @module
 */
import type { RegistrationEntry } from '@signet/datastore';
import type { BundleSnapshot } from './bundle-store.js';

/** Bounds of one message. */
export interface ChunkLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

/** The content of one message (or of a whole snapshot or change, before chunking). */
export interface MessageContent {
  readonly upserts: readonly RegistrationEntry[];
  readonly removals: readonly string[];
  readonly bundles: readonly BundleSnapshot[];
  readonly removedBundles: readonly string[];
}

/** Encoded size of a length-delimited field holding `bytes` bytes. */
function field(bytes: number): number {
  return 1 + varintSize(bytes) + bytes;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size += 1;
  }
  return size;
}

function text(s: string): number {
  return field(Buffer.byteLength(s, 'utf8'));
}

/** Estimated encoded size of an entry inside a message (the `upserts` field included). */
export function estimateEntryBytes(entry: RegistrationEntry): number {
  let size = text(entry.id) + text(entry.spiffeId) + text(entry.parentId);
  for (const s of entry.selectors) size += field(text(s.type) + text(s.value));
  for (const name of entry.dnsNames) size += text(name);
  for (const td of entry.federatesWith) size += text(td);
  if (entry.hint !== null) size += text(entry.hint);
  size += 6 * 11 + 2 * 2; // ttls, times, revision as varints; two booleans
  return field(size);
}

/** Estimated encoded size of a bundle inside a message. */
export function estimateBundleBytes(bundle: BundleSnapshot): number {
  let size = text(bundle.trustDomain) + 22;
  for (const der of bundle.x509Authorities) size += field(der.length);
  for (const key of bundle.jwtAuthorities) size += field(text(key.keyId) + field(key.publicKey.length) + 11);
  return field(size);
}

/** Fixed overhead of a message: revision and flags. */
const MESSAGE_OVERHEAD = 16;

/**
 * Splits `content` into messages within `limits`, in order: bundles and removed bundles
 * first, then removals, then upserts. Always returns at least one (possibly empty) message.
 *
 * @example
 * ```ts
 * chunkContent({ upserts: entries, removals: [], bundles: [local], removedBundles: [] }, { maxEntries: 500, maxBytes: 1 << 20 });
 * ```
 */
export function chunkContent(content: MessageContent, limits: ChunkLimits): MessageContent[] {
  const chunks: { upserts: RegistrationEntry[]; removals: string[]; bundles: BundleSnapshot[]; removedBundles: string[] }[] = [];
  let current = { upserts: [] as RegistrationEntry[], removals: [] as string[], bundles: [] as BundleSnapshot[], removedBundles: [] as string[] };
  let bytes = MESSAGE_OVERHEAD;
  let items = 0;
  const fits = (size: number, counts: boolean) =>
    (items === 0 && bytes === MESSAGE_OVERHEAD) || (bytes + size <= limits.maxBytes && (!counts || items < limits.maxEntries));
  const place = (size: number, counts: boolean) => {
    if (!fits(size, counts)) {
      chunks.push(current);
      current = { upserts: [], removals: [], bundles: [], removedBundles: [] };
      bytes = MESSAGE_OVERHEAD;
      items = 0;
    }
    bytes += size;
    if (counts) items += 1;
  };
  for (const bundle of content.bundles) {
    place(estimateBundleBytes(bundle), false);
    current.bundles.push(bundle);
  }
  for (const td of content.removedBundles) {
    place(text(td), false);
    current.removedBundles.push(td);
  }
  for (const id of content.removals) {
    place(field(text(id)), true);
    current.removals.push(id);
  }
  for (const entry of content.upserts) {
    place(estimateEntryBytes(entry), true);
    current.upserts.push(entry);
  }
  chunks.push(current);
  return chunks;
}
