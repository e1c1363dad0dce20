/**
 * PEM encoding of the DER material an SDS secret carries.
 * @module
 */
import { encodePem } from '@signet/spiffe';

/** Concatenated `CERTIFICATE` blocks, in the given order, as bytes. */
export function certificatesPem(ders: readonly Uint8Array[]): Buffer {
  return Buffer.from(ders.map((der) => encodePem('CERTIFICATE', der)).join(''), 'ascii');
}

/** A PKCS#8 `PRIVATE KEY` block, as bytes. Never log the result. */
export function privateKeyPem(pkcs8Der: Uint8Array): Buffer {
  return Buffer.from(encodePem('PRIVATE KEY', pkcs8Der), 'ascii');
}
