/**
 * Byte-order comparison of strings, matching Postgres `COLLATE "C"` on UTF-8.
 * @module
 */

/**
 * Compares by the UTF-8 bytes of `a` and `b`, which is how columns declared
 * `COLLATE "C"` sort. (`a < b` compares UTF-16 code units, which orders
 * characters above U+FFFF differently.)
 */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
