/**
 * KeyUsage bits (RFC 5280 §4.2.1.3) by name, and conversions between names and bit masks.
 */

/** A KeyUsage bit name, as RFC 5280 §4.2.1.3 spells it. */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

/** Bit numbers of each KeyUsage name (bit 0 is the most significant bit of the first octet). */
export const KEY_USAGE_BITS: Readonly<Record<KeyUsageName, number>> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
};

/** A mask with bit `KEY_USAGE_BITS[name]` set for every name. */
export function keyUsageMask(names: readonly KeyUsageName[]): number {
  let mask = 0;
  for (const n of names) {
    const bit = KEY_USAGE_BITS[n];
    if (bit === undefined) throw new TypeError(`unknown key usage "${String(n)}"`);
    mask |= 1 << bit;
  }
  return mask;
}

/** The names of the bits set in `mask`, in bit order. */
export function keyUsageNames(mask: number): KeyUsageName[] {
  return (Object.keys(KEY_USAGE_BITS) as KeyUsageName[]).filter((n) => (mask & (1 << KEY_USAGE_BITS[n])) !== 0);
}

/** True when `mask` has the bit of `name`. */
export function hasKeyUsage(mask: number, name: KeyUsageName): boolean {
  return (mask & (1 << KEY_USAGE_BITS[name])) !== 0;
}
