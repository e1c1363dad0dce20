/**
 * What a fetched document must be before it replaces the bundle held for a trust domain, and
 * whether it replaces it at all.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { SpiffeBundle, SpiffeId, type TrustDomain } from '@signet/spiffe';
import { BundleFetchError } from './errors.js';

/**
 * Parses `body` as the SPIFFE bundle of `td` and checks it can be trusted as one:
 * - it parses (`SpiffeBundle.parse`: a JWK Set with `keys`, valid `spiffe_*` members; unknown
 *   or broken keys are skipped) — else `invalid_bundle`;
 * - it holds at least one X.509 authority — else `no_authorities`. (An empty bundle would make
 *   every SVID of `td` untrusted at once; the last good bundle is kept and the failure reported
 *   instead, as for a bundle set by hand.)
 * - no X.509 authority names another trust domain in a `spiffe://` URI SAN (SPIFFE CA
 *   certificates carry their trust domain's ID, X509-SVID §4.1) — else `wrong_trust_domain`.
 *   Bundles do not name their trust domain (Federation §5.1), so this is the only tell.
 */
export function parseFetchedBundle(td: TrustDomain, body: Uint8Array): SpiffeBundle {
  let bundle: SpiffeBundle;
  try {
    bundle = SpiffeBundle.parse(td, body);
  } catch (err) {
    throw new BundleFetchError('invalid_bundle', `the response is not a SPIFFE bundle document: ${(err as Error).message}`, { cause: err });
  }
  const roots = bundle.x509Authorities();
  if (roots.length === 0) throw new BundleFetchError('no_authorities', 'the bundle holds no X.509 authority');
  for (const der of roots) {
    const other = foreignTrustDomain(der, td);
    if (other !== undefined) {
      throw new BundleFetchError('wrong_trust_domain', `an X.509 authority of the bundle belongs to trust domain "${other}", not "${td.name}"`);
    }
  }
  return bundle;
}

/** The trust domain named by a `spiffe://` URI SAN of `der` when it is not `td`. */
function foreignTrustDomain(der: Uint8Array, td: TrustDomain): string | undefined {
  let san: string | undefined;
  try {
    san = new X509Certificate(der).subjectAltName;
  } catch {
    return undefined; // SpiffeBundle.parse already accepted it; nothing more to learn
  }
  for (const part of (san ?? '').split(/,\s*/)) {
    if (!part.startsWith('URI:spiffe://')) continue;
    const id = SpiffeId.tryParse(part.slice(4));
    if (id !== undefined && !id.trustDomain.equals(td)) return id.trustDomain.name;
  }
  return undefined;
}

/** What to do with a fetched bundle given the one held. */
export type UpdateDecision = 'store' | 'unchanged';

/**
 * Compares a fetched bundle with the one held and with the last one fetched (SPIFFE Federation §4.2):
 * - equal to the bundle held (same authorities, sequence and refresh hint): `unchanged` — nothing
 *   is written;
 * - a `spiffe_sequence` lower than the one of the last bundle successfully *fetched* from this
 *   relationship (`federation_status.sequence_number`): `stale_sequence` error — a rollback, or a
 *   replica of the remote serving old data;
 * - otherwise `store`. The comparison is with the last fetched bundle, not with the bundle held:
 *   a bundle set by an operator (the bootstrap bundle given at creation, or `signet bundle set`,
 *   whose sequence may be made up) "is considered the latest until replaced by a subsequent
 *   refresh", so it is replaced by the next fetch whatever its sequence. A fetched bundle without
 *   a sequence is the latest by definition ("the most recently retrieved bundle").
 */
export function decideUpdate(held: SpiffeBundle | undefined, fetched: SpiffeBundle, lastFetchedSequence: bigint | undefined): UpdateDecision {
  if (held !== undefined && held.equals(fetched)) return 'unchanged';
  const got = fetched.sequenceNumber;
  if (lastFetchedSequence !== undefined && got !== undefined && got < lastFetchedSequence) {
    throw new BundleFetchError('stale_sequence', `spiffe_sequence ${got} is lower than the ${lastFetchedSequence} fetched before`);
  }
  return 'store';
}
