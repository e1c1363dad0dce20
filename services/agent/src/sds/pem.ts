/**
 * PEM encoding of the DER material an SDS secret carries.
 * @module
 */

/** Encodes DER bytes as one PEM block with 64-character lines and a trailing newline. */
export function pemBlock(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let out = `-----BEGIN ${label}-----\n`;
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`;
  return `${out}-----END ${label}-----\n`;
}

/** Concatenated `CERTIFICATE` blocks, in the given order, as bytes. */
export function certificatesPem(ders: readonly Uint8Array[]): Buffer {
  return Buffer.from(ders.map((der) => pemBlock('CERTIFICATE', der)).join(''), 'ascii');
}

/** A PKCS#8 `PRIVATE KEY` block, as bytes. Never log the result. */
export function privateKeyPem(pkcs8Der: Uint8Array): Buffer {
  return Buffer.from(pemBlock('PRIVATE KEY', pkcs8Der), 'ascii');
}
