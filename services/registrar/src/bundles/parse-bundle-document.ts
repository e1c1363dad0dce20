/**
 * Reading a bundle an operator supplies for a foreign trust domain: a SPIFFE bundle document
 * (JSON, X.509 and JWT authorities) or PEM (X.509 authorities only), validated by the SDK. The
 * format may be left empty to be recognised (PEM starts with `-----BEGIN`). A bundle without any
 * authority is refused: it would make every SVID of that trust domain untrusted.
 *
 * @example
 * ```ts
 * const bundle = parseBundleDocument(TrustDomain.parse('partner.example'), 'pem', pemText);
 * ```
 * @module
 */
import { ApiError } from '@signet/platform';
import { JwtBundle, SpiffeBundle, X509Bundle, type TrustDomain } from '@signet/spiffe';

/** The formats accepted. */
export type BundleFormat = 'spiffe' | 'pem';

/** Largest document accepted, in characters. */
export const MAX_BUNDLE_DOCUMENT_LENGTH = 1_048_576;

/** Parses `document` as a bundle of `td`; errors name `format` or `document`. */
export function parseBundleDocument(td: TrustDomain, format: string, document: string): SpiffeBundle {
  if (typeof document !== 'string' || document.trim() === '') throw ApiError.invalid('document', 'is required');
  if (document.length > MAX_BUNDLE_DOCUMENT_LENGTH) {
    throw ApiError.invalid('document', `must be at most ${MAX_BUNDLE_DOCUMENT_LENGTH} characters`);
  }
  const chosen = resolveFormat(format, document);
  let bundle: SpiffeBundle;
  try {
    bundle =
      chosen === 'pem'
        ? SpiffeBundle.fromX509AndJwt(X509Bundle.parsePem(td, document), JwtBundle.empty(td))
        : SpiffeBundle.parse(td, document);
  } catch (err) {
    throw ApiError.invalid('document', `is not a valid ${chosen === 'pem' ? 'PEM bundle' : 'SPIFFE bundle document'}: ${(err as Error).message}`, err);
  }
  if (bundle.isEmpty()) throw ApiError.invalid('document', 'holds no X.509 or JWT authority');
  return bundle;
}

function resolveFormat(format: string, document: string): BundleFormat {
  const f = (format ?? '').trim().toLowerCase();
  if (f === 'spiffe' || f === 'pem') return f;
  if (f === '') return document.trimStart().startsWith('-----BEGIN') ? 'pem' : 'spiffe';
  throw ApiError.invalid('format', `must be "spiffe", "pem" or empty to recognise it (got ${JSON.stringify(format)})`);
}
