/**
 * The W3C trace contexts of recent change events, by revision: the registrar stamps the
 * `traceparent` of the request into each event it appends, and the push stream names it in the
 * message that carries the change, so one trace runs from the admin's request to the agent.
 * @module
 */

/** Most revisions remembered. */
const MAX = 4_096;

/** Recent revisions → traceparent. */
export class TraceIndex {
  readonly #byRevision = new Map<number, string>();

  /** Remembers the traceparent in `payload`, if it holds one. */
  record(revision: number, payload: unknown): void {
    if (typeof payload !== 'object' || payload === null) return;
    const tp = (payload as { traceparent?: unknown }).traceparent;
    if (typeof tp !== 'string' || !/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(tp)) return;
    this.#byRevision.set(revision, tp);
    if (this.#byRevision.size > MAX) this.#byRevision.delete(this.#byRevision.keys().next().value!);
  }

  /** The traceparent of the lowest remembered revision in (`after`, `through`]. */
  first(after: number, through: number): string | undefined {
    let best: number | undefined;
    for (const revision of this.#byRevision.keys()) {
      if (revision > after && revision <= through && (best === undefined || revision < best)) best = revision;
    }
    return best === undefined ? undefined : this.#byRevision.get(best);
  }
}
