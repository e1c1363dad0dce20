/**
 * Workload API hints are unique within a response: the first SVID (in entry order) with a given
 * hint keeps it, later ones are sent without one. Pure.
 * @module
 */

/** A function applying that rule to hints given in response order: the hint to send, or `''`. */
export function uniqueHints(): (hint: string) => string {
  const seen = new Set<string>();
  return (hint) => {
    if (hint === '' || seen.has(hint)) return '';
    seen.add(hint);
    return hint;
  };
}
