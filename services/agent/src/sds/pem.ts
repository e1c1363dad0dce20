/**
 * PEM encoding of the DER material an SDS secret carries.
 * @module
 */

/** Concatenated `CERTIFICATE` blocks, in the given order, as bytes. */
export function certificatesPem(ders: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const der of ders) length += pemBlockLength('CERTIFICATE', der.byteLength);
  const out = Buffer.allocUnsafe(length);
  let pos = 0;
  for (const der of ders) pos = writePemBlock(out, pos, 'CERTIFICATE', der);
  return out;
}

/** Octets of one PEM block of `derLength` octets under `label` (64-character lines, as `encodePem`). */
export function pemBlockLength(label: string, derLength: number): number {
  const b64 = 4 * Math.ceil(derLength / 3);
  return 2 * label.length + 32 + b64 + Math.ceil(b64 / 64);
}

/** The base64 alphabet as octets. */
const B64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
/** PEM armor lines by label, as octets (a secret has two or three labels). */
const armor = new Map<string, { readonly begin: Buffer; readonly end: Buffer }>();

function armorOf(label: string): { readonly begin: Buffer; readonly end: Buffer } {
  let a = armor.get(label);
  if (a === undefined) {
    a = { begin: Buffer.from(`-----BEGIN ${label}-----\n`, 'latin1'), end: Buffer.from(`-----END ${label}-----\n`, 'latin1') };
    armor.set(label, a);
  }
  return a;
}

/**
 * Writes the PEM block `encodePem(label, der)` gives, as ASCII bytes, into `out` at `pos`; returns
 * the position after it. The base64 text is written straight into `out`, 64 characters per line:
 * no string of the block is made (a rotation writes one per workload, and those strings were most
 * of what it allocated).
 */
export function writePemBlock(out: Buffer, pos: number, label: string, der: Uint8Array): number {
  const { begin, end } = armorOf(label);
  pos += begin.copy(out, pos);
  const n = der.byteLength;
  const whole = n - (n % 3);
  let column = 0;
  for (let i = 0; i < whole; i += 3) {
    const v = (der[i]! << 16) | (der[i + 1]! << 8) | der[i + 2]!;
    out[pos] = B64[v >>> 18]!;
    out[pos + 1] = B64[(v >>> 12) & 63]!;
    out[pos + 2] = B64[(v >>> 6) & 63]!;
    out[pos + 3] = B64[v & 63]!;
    pos += 4;
    // 64 characters = 16 groups of 4 per line.
    if (++column === 16) {
      out[pos++] = 0x0a;
      column = 0;
    }
  }
  if (whole < n) {
    const v = (der[whole]! << 16) | (whole + 1 < n ? der[whole + 1]! << 8 : 0);
    out[pos] = B64[v >>> 18]!;
    out[pos + 1] = B64[(v >>> 12) & 63]!;
    out[pos + 2] = whole + 1 < n ? B64[(v >>> 6) & 63]! : 0x3d;
    out[pos + 3] = 0x3d;
    pos += 4;
    column++;
  }
  if (column > 0) out[pos++] = 0x0a;
  return pos + end.copy(out, pos);
}
