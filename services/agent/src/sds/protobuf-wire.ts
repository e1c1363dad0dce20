/**
 * The few protobuf wire-format primitives the SDS encoders write by hand: varints and
 * length-delimited fields (wire type 2). @internal
 * @module
 */

/** Octets of the varint of `n` (a non-negative safe integer). */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes the varint of `n` at `pos`; returns the position after it. */
export function writeVarint(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

/** Octets of a length-delimited field (one-octet tag) whose content is `length` octets. */
export function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** Writes the tag and length of a length-delimited field at `pos`; returns where its content starts. */
export function writeFieldHeader(out: Uint8Array, pos: number, tag: number, length: number): number {
  out[pos] = tag;
  return writeVarint(out, pos + 1, length);
}

/** Octets of a string field (UTF-8). */
export function stringFieldSize(s: string): number {
  return fieldSize(Buffer.byteLength(s, 'utf8'));
}

/** Writes a string field (UTF-8) at `pos`; returns the position after it. */
export function writeStringField(out: Buffer, pos: number, tag: number, s: string): number {
  pos = writeFieldHeader(out, pos, tag, Buffer.byteLength(s, 'utf8'));
  return pos + out.write(s, pos, 'utf8');
}
