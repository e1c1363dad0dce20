/**
 * The W3C trace contexts of recent change events, by revision: the registrar stamps the
 * `traceparent` of the request into each event it appends, and the push stream names it in the
 * message that carries the change, so one trace runs from the admin's request to the agent.
 * @module
 */

/** Most revisions remembered. */
const MAX = 4_096;

/**
 * Recent revisions → traceparent. Events arrive in revision order, so the revisions are kept
 * ascending and a lookup (once per push to each agent) is a binary search.
 */
export class TraceIndex {
  readonly #revisions: number[] = [];
  readonly #traces: string[] = [];

  /** Remembers the traceparent in `payload`, if it holds one. */
  record(revision: number, payload: unknown): void {
    if (typeof payload !== 'object' || payload === null) return;
    const tp = (payload as { traceparent?: unknown }).traceparent;
    if (typeof tp !== 'string' || !/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(tp)) return;
    const last = this.#revisions[this.#revisions.length - 1];
    if (last !== undefined && revision <= last) return;
    this.#revisions.push(revision);
    this.#traces.push(tp);
    if (this.#revisions.length > MAX) {
      this.#revisions.shift();
      this.#traces.shift();
    }
  }

  /** The traceparent of the lowest remembered revision in (`after`, `through`]. */
  first(after: number, through: number): string | undefined {
    let lo = 0;
    let hi = this.#revisions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#revisions[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.#revisions.length && this.#revisions[lo]! <= through ? this.#traces[lo] : undefined;
  }
}
