/**
 * "Did you mean" suggestions for misspelt keys and values.
 * @module
 */

/**
 * The optimal-string-alignment distance between two strings: insertions, deletions,
 * substitutions and swaps of adjacent characters each cost 1.
 *
 * @example
 * ```ts
 * editDistance('lvel', 'level'); // 1
 * editDistance('ab', 'ba');      // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 0; i < rows; i++) (d[i] as number[])[0] = i;
  for (let j = 0; j < cols; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i < rows; i++) {
    const row = d[i] as number[];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

function normalize(s: string): string {
  return s.toLowerCase().replace(/-/g, '_');
}

/**
 * The candidate closest to `input`, if it is close enough to be a likely typo: case and
 * `-`/`_` differences are free, and at most a third of the characters (at least 1, at most 3)
 * may differ, and never every character. Ties go to the earlier candidate.
 *
 * @example
 * ```ts
 * suggest('pool_sise', ['url', 'pool_size']); // 'pool_size'
 * suggest('zzz', ['url', 'pool_size']);       // undefined
 * ```
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalize(input);
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const distance = editDistance(wanted, normalize(candidate));
    const plausible = distance < wanted.length && distance < candidate.length;
    if (plausible && distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
