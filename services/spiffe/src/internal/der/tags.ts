/**
 * ASN.1 universal and context-specific tag bytes used by this package (X.690 §8.1.2). @internal
 */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** The tag byte of a context-specific `[n]` field; `constructed` for EXPLICIT tags and constructed IMPLICIT ones. */
export function contextTag(n: number, constructed: boolean): number {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new TypeError(`der: context tag number ${n} out of range 0..30`);
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** A short human name for a tag byte, for error messages: `SEQUENCE`, `[3]`, `tag 0x1f`. */
export function tagName(tag: number): string {
  for (const [name, value] of Object.entries(Tag)) if (value === tag) return name.replace(/_/g, ' ');
  if ((tag & 0xc0) === 0x80) return `[${tag & 0x1f}]`;
  return `tag 0x${tag.toString(16).padStart(2, '0')}`;
}
