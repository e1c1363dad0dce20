/**
 * PEM encoding of the DER material an SDS secret carries.
 * @module
 */
import { encodePem } from '@signet/spiffe';

/** Concatenated `CERTIFICATE` blocks, in the given order, as bytes. */
export function certificatesPem(ders: readonly Uint8Array[]): Buffer {
  return Buffer.from(ders.map((der) => encodePem('CERTIFICATE', der)).join(''), 'ascii');
}

/** Octets of one PEM block of `derLength` octets under `label` (64-character lines, as `encodePem`). */
export function pemBlockLength(label: string, derLength: number): number {
  const b64 = 4 * Math.ceil(derLength / 3);
  return 2 * label.length + 32 + b64 + Math.ceil(b64 / 64);
}

/**
 * Writes the PEM block `encodePem(label, der)` gives, as ASCII bytes, into `out` at `pos`; returns
 * the position after it. (Used to write a secret into its final buffer without intermediate strings
 * of the whole block.)
 */
export function writePemBlock(out: Buffer, pos: number, label: string, der: Uint8Array): number {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  pos += out.write(`-----BEGIN ${label}-----\n`, pos, 'latin1');
  // The base64 text goes in with one write, as far right as its lines will reach; each line then
  // moves left into place (never past text not yet moved) and gets its newline.
  const lines = Math.ceil(b64.length / 64);
  let from = pos + lines;
  out.write(b64, from, 'latin1');
  for (let i = 0; i < lines; i++) {
    const length = Math.min(64, b64.length - i * 64);
    out.copyWithin(pos, from, from + length);
    pos += length;
    from += length;
    out[pos++] = 0x0a;
  }
  return pos + out.write(`-----END ${label}-----\n`, pos, 'latin1');
}
