/**
 * The native ECDSA P-256 verifier (`native/ecverify.c`, built by `scripts/build-native.mjs`).
 *
 * With OpenSSL 3.0, Node imports a public key (any format) with a full key check, a scalar
 * multiplication that costs about as much as the verification, and exports it to a provider on
 * first use: checking the signature of a CSR, whose key is new every time, cost about 2.5 times a
 * verification with a key already imported. The addon checks that the point is on the curve (all
 * a P-256 public key needs, the curve's cofactor being 1) and verifies with OpenSSL's own ECDSA.
 * Where it is not built (another OS, no compiler), callers use `node:crypto`, with the same results.
 * @module
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** `verifyP256(point, digest, signature)`: see `native/ecverify.c`. */
export type VerifyP256 = (point: Uint8Array, digest: Uint8Array, signature: Uint8Array) => boolean;

const ADDON_URL = new URL('../../native/build/ecverify.node', import.meta.url);

let addon: { verifyP256: VerifyP256 } | null | undefined;
let loadError = '';

/** The native verifier, or `undefined` where the addon is not built or cannot load. Loaded once. */
export function nativeVerifyP256(): VerifyP256 | undefined {
  if (addon === undefined) {
    try {
      addon = createRequire(import.meta.url)(fileURLToPath(ADDON_URL)) as { verifyP256: VerifyP256 };
    } catch (err) {
      addon = null;
      loadError = err instanceof Error ? err.message : String(err);
    }
  }
  return addon?.verifyP256;
}

/** Which verifier CSR signatures on P-256 keys use: `native`, or `node:crypto` with the reason. */
export function p256VerifierInUse(): string {
  return nativeVerifyP256() !== undefined ? 'native' : `node:crypto (${loadError.split('\n')[0]})`;
}
