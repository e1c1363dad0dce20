/**
 * Expired entries and join tokens are deleted by the registrar's sweep.
 * @module
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { RegistrarHarness } from '../../../testing/harness.js';

/** The expiry sweep. */
export function expirySweepSuite(h: RegistrarHarness): void {
  it('deletes entries past their expiry, with a change event each, and expired join tokens, keeping the rest', async () => {
    const created = await h.call('CreateEntries', {
      entries: [
        { spiffe_id: 'spiffe://example.org/short', parent_id: 'spiffe://example.org/spire/agent/n1', selectors: [{ type: 'unix', value: 'uid:1' }], expires_at: '1893459600' },
        { spiffe_id: 'spiffe://example.org/long', parent_id: 'spiffe://example.org/spire/agent/n1', selectors: [{ type: 'unix', value: 'uid:2' }] },
      ],
    });
    const [shortId, longId] = created.results.map((r) => r.entry!.id);
    await h.call('CreateJoinToken', { ttl: 60 });
    assert.equal((await h.registrar.sweepExpired()).entries, 0, 'nothing has expired yet');
    h.clock.advance(2 * 3600_000);
    await h.registrar.sweepExpired();
    const counts = await h.counts();
    assert.equal(counts['registration_entries'], 1);
    assert.equal(counts['join_tokens'], 0);
    const listed = await h.call('ListEntries', {});
    assert.deepEqual(listed.entries.map((e) => e.id), [longId]);
    const deleted = (await h.events()).filter((e) => e.kind === 'entry.deleted').map((e) => e.subject);
    assert.deepEqual(deleted, [shortId]);
  });
}
