/**
 * A minimal DER reader: just enough to split concatenated certificates and to read a
 * certificate's subject common name and DNS SANs without relying on a textual rendering.
 * Every read is bounds-checked; malformed input throws a `RangeError`.
 * @module
 */

/** One TLV: its tag and where its header and contents lie in the buffer. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  /** Offset just past the contents. */
  readonly end: number;
}

/** Reads the TLV at `offset`; only single-byte tags and definite lengths (DER) are accepted. */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new RangeError('DER: truncated header');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new RangeError('DER: multi-byte tags are not supported');
  const first = buf[offset + 1] as number;
  let length: number;
  let header = 2;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new RangeError('DER: unsupported length encoding');
    if (offset + 2 + count > limit) throw new RangeError('DER: truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buf[offset + 2 + i] as number);
    if (length < 0x80 || (count > 1 && (buf[offset + 2] as number) === 0)) throw new RangeError('DER: non-minimal length');
    header += count;
  }
  const end = offset + header + length;
  if (end > limit) throw new RangeError('DER: contents run past the end');
  return { tag, start: offset, contentStart: offset + header, end };
}

/** The TLVs directly inside a constructed TLV, in order. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readTlv(buf, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** The contents of a TLV. */
export function contents(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.contentStart, tlv.end);
}

/** Whether the contents of `tlv` equal `bytes`. */
export function contentsEqual(buf: Uint8Array, tlv: Tlv, bytes: Uint8Array): boolean {
  if (tlv.end - tlv.contentStart !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[tlv.contentStart + i] !== bytes[i]) return false;
  return true;
}

/** Decodes an ASN.1 string (UTF8, Printable, IA5, Teletex as Latin-1, BMP, Universal); `undefined` for other tags. */
export function decodeString(buf: Uint8Array, tlv: Tlv): string | undefined {
  const bytes = contents(buf, tlv);
  switch (tlv.tag) {
    case 0x0c: // UTF8String
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString (treated as Latin-1)
      return Buffer.from(bytes).toString('latin1');
    case 0x1e: // BMPString (UTF-16BE)
      return new TextDecoder('utf-16be', { fatal: true }).decode(bytes);
    case 0x1c: {
      // UniversalString (UTF-32BE)
      if (bytes.length % 4 !== 0) throw new RangeError('DER: bad UniversalString');
      let s = '';
      for (let i = 0; i < bytes.length; i += 4) {
        s += String.fromCodePoint(Buffer.from(bytes.subarray(i, i + 4)).readUInt32BE(0));
      }
      return s;
    }
    default:
      return undefined;
  }
}
