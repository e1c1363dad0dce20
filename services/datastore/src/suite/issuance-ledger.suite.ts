/**
 * The issuance ledger: batch recording, references, expiry sweeps and
 * per-authority listings with pagination.
 * @module
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { createNode, evictNode } from '../attestation/nodes.js';
import { insertAuthority } from '../ca/authorities.js';
import {
  type IssuanceRecord,
  listExpiringIssuances,
  listIssuancesByAuthority,
  pruneIssuances,
  recordIssuances,
} from '../ca/issuance-ledger.js';
import { AlreadyExistsError, InvalidArgumentError } from '../errors.js';
import type { Page } from '../internal/pagination.js';
import { createEntry } from '../registrar/entries-create.js';
import { deleteEntry } from '../registrar/entries-update.js';
import { at, countRows, entryInput, rejectsWith, type SuiteContext } from './context.js';

const AGENT = 'spiffe://example.org/agent/node-1';

/** Registers the issuance ledger tests. */
export function issuanceLedgerSuite(ctx: SuiteContext): void {
  describe('issuance ledger', () => {
    let entryId = '';
    const record = (serial: string, expiresIn: number, overrides: Partial<IssuanceRecord> = {}): IssuanceRecord => ({
      serial,
      kind: 'x509',
      spiffeId: 'spiffe://example.org/workload/1',
      entryId,
      nodeId: AGENT,
      authorityId: 'ca-1',
      issuedAt: at(0),
      expiresAt: at(expiresIn),
      ...overrides,
    });
    const walk = async (fetch: (pageToken?: string) => Promise<Page<IssuanceRecord>>): Promise<string[]> => {
      const serials: string[] = [];
      let token: string | undefined;
      do {
        const page = await fetch(token);
        serials.push(...page.items.map((r) => r.serial));
        token = page.nextPageToken;
      } while (token !== undefined);
      return serials;
    };

    beforeEach(async () => {
      const common = { kind: 'x509' as const, publicKey: new Uint8Array([1]), certificate: new Uint8Array([2]), notBefore: at(0), notAfter: at(1e6) };
      await insertAuthority(ctx.db, { ...common, id: 'ca-1', keyId: 'k1', keyRef: 'ref-1' }, at(0));
      await ctx.db.query("UPDATE ca_authorities SET state = 'old', activated_at = $1, deactivated_at = $1 WHERE id = 'ca-1'", [at(0)]);
      await insertAuthority(ctx.db, { ...common, id: 'ca-2', keyId: 'k2', keyRef: 'ref-2' }, at(0));
      entryId = (await createEntry(ctx.db, entryInput(1), at(0))).id;
      await createNode(ctx.db, { spiffeId: AGENT, attestationType: 'join_token' }, at(0));
    });

    it('records a batch and lists it back exactly', async () => {
      const records = [record('01', 100), record('02', 200, { kind: 'jwt', entryId: null, nodeId: null })];
      await recordIssuances(ctx.db, records);
      assert.deepEqual((await listIssuancesByAuthority(ctx.db, 'ca-1')).items, records);
    });

    it('skips the rows of an unknown authority, writes the rest of the batch and says how many it wrote', async () => {
      const written = await recordIssuances(ctx.db, [record('01', 100), record('02', 100, { authorityId: 'ca-9' }), record('03', 100)]);
      assert.equal(written, 2);
      assert.deepEqual((await listIssuancesByAuthority(ctx.db, 'ca-1')).items.map((r) => r.serial), ['01', '03']);
      assert.equal(await countRows(ctx.db, 'issuance_ledger'), 2);
    });

    it('refuses a batch with a duplicate serial, an invalid date or a bad value, writing nothing of it', async () => {
      const refused = [
        { records: [record('01', 100), record('01', 200)], type: AlreadyExistsError, code: 'ERR_DATASTORE_ALREADY_EXISTS' as const, constraint: 'issuance_ledger_pkey' },
        { records: [record('04', 100), record('03', 0)], type: InvalidArgumentError, code: 'ERR_DATASTORE_INVALID_ARGUMENT' as const, constraint: 'issuance_ledger_validity_check' },
        { records: [record('05', 100), record('0 6', 100)], type: InvalidArgumentError, code: 'ERR_DATASTORE_INVALID_ARGUMENT' as const, constraint: 'issuance_ledger_serial_check' },
        { records: [record('07', 100, { spiffeId: 'spiffe://example.org/a,b' })], type: InvalidArgumentError, code: 'ERR_DATASTORE_INVALID_ARGUMENT' as const, constraint: 'issuance_ledger_spiffe_id_check' },
      ];
      for (const { records, ...expected } of refused) await rejectsWith(recordIssuances(ctx.db, records), expected);
      await rejectsWith(recordIssuances(ctx.db, [record('08', 100, { expiresAt: new Date(Number.NaN) })]), {
        type: InvalidArgumentError,
        code: 'ERR_DATASTORE_INVALID_ARGUMENT',
        message: 'expiresAt: must be a valid date',
      });
      assert.equal(await countRows(ctx.db, 'issuance_ledger'), 0);
    });

    it('stores any entry and node text exactly: quotes, backslashes, braces, commas, spaces, "NULL", empty', async () => {
      const odd = ['a"b', 'back\\slash\\', '{x,y}', ' lead and trail ', 'NULL', 'null', '', 'ünï\u{1F600}', '\t\n'];
      const records = odd.map((text, i) => record(`s${i}`, 100 + i, { entryId: text, nodeId: i % 2 === 0 ? null : text }));
      assert.equal(await recordIssuances(ctx.db, records), records.length);
      assert.deepEqual((await listIssuancesByAuthority(ctx.db, 'ca-1')).items, records);
    });

    it('keeps the entry and node of a record as history after they are deleted', async () => {
      await recordIssuances(ctx.db, [record('01', 100)]);
      await deleteEntry(ctx.db, entryId);
      await evictNode(ctx.db, AGENT);
      const [kept] = (await listIssuancesByAuthority(ctx.db, 'ca-1')).items;
      assert.deepEqual([kept?.serial, kept?.entryId, kept?.nodeId], ['01', entryId, AGENT]);
    });

    it('records an issuance whose entry or node is already gone (signed just before a delete)', async () => {
      const late = [record('01', 100, { entryId: 'deleted-meanwhile' }), record('02', 100, { nodeId: 'spiffe://example.org/spire/agent/evicted' })];
      await recordIssuances(ctx.db, late);
      assert.deepEqual((await listIssuancesByAuthority(ctx.db, 'ca-1')).items, late);
    });

    it('sweeps expiring records by expiry then serial, across pages with equal expiry times', async () => {
      await recordIssuances(ctx.db, [
        record('05', 300),
        record('04', 100),
        record('03', 100),
        record('02', 100),
        record('01', 200),
        record('06', 900),
      ]);
      const serials = await walk((pageToken) => listExpiringIssuances(ctx.db, { before: at(500) }, { pageSize: 2, pageToken }));
      assert.deepEqual(serials, ['02', '03', '04', '01', '05']);
    });

    it('lists what an authority signed that is still valid, and prunes expired records', async () => {
      await recordIssuances(ctx.db, [
        record('a1', 100),
        record('a2', 300),
        record('a3', 400),
        record('b1', 400, { authorityId: 'ca-2' }),
      ]);
      const valid = await walk((pageToken) => listIssuancesByAuthority(ctx.db, 'ca-1', { unexpiredAt: at(200) }, { pageSize: 1, pageToken }));
      assert.deepEqual(valid, ['a2', 'a3']);
      assert.equal(await pruneIssuances(ctx.db, at(350)), 2);
      assert.deepEqual(
        (await listIssuancesByAuthority(ctx.db, 'ca-1')).items.map((r) => r.serial),
        ['a3'],
      );
    });
  });
}
