/**
 * The public key an X.509-SVID certifies: from a CSR (whose signature proves possession of the
 * private key) or given directly as DER SubjectPublicKeyInfo (in-process callers that hold the key).
 * @module
 */
import { CsrInvalidError, parseCsr } from '@signet/spiffe';
import { ApiError } from '@signet/platform';

/** Where the key comes from: exactly one of the two. */
export interface PublicKeySource {
  /** PKCS#10 CSR, DER. Its public key is certified; its subject and SANs are ignored. */
  readonly csr?: Uint8Array | undefined;
  /** DER SubjectPublicKeyInfo. */
  readonly publicKey?: Uint8Array | undefined;
}

/** The DER SubjectPublicKeyInfo to certify; `invalid_argument` naming `csr` or `public_key` otherwise. */
export function subjectPublicKey(source: PublicKeySource): Uint8Array {
  const hasCsr = source.csr !== undefined && source.csr.length > 0;
  const hasKey = source.publicKey !== undefined && source.publicKey.length > 0;
  if (hasCsr && hasKey) throw ApiError.invalid('public_key', 'give a CSR or a public key, not both');
  if (hasKey) return source.publicKey as Uint8Array;
  if (!hasCsr) throw ApiError.invalid('csr', 'required: a PKCS#10 certificate signing request (DER)');
  try {
    return parseCsr(source.csr as Uint8Array).subjectPublicKeyInfo;
  } catch (err) {
    if (err instanceof CsrInvalidError) throw ApiError.invalid('csr', err.message.replace(/^csr: /, ''), err);
    throw err;
  }
}
