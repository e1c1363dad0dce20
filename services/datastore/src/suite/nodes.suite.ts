/**
 * Attested nodes and their selectors: create, update, ban, evict, list.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getNodeSelectors, listNodeSelectors, setNodeSelectors } from '../attestation/node-selectors.js';
import { banNode, createNode, evictNode, getNode, listNodes, type NodeFilter, updateNode } from '../attestation/nodes.js';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { at, countRows, rejectsWith, type SuiteContext } from './context.js';

const node = (n: number) => ({
  spiffeId: `spiffe://example.org/agent/node-${n}`,
  attestationType: n % 2 === 0 ? 'join_token' : 'k8s_psat',
  certSerial: `0a${n}`,
  certNotAfter: at(3600 * n),
});

/** Registers the attested node and node selector tests. */
export function nodesSuite(ctx: SuiteContext): void {
  describe('attested nodes', () => {
    it('records a node and reads it back', async () => {
      const created = await createNode(ctx.db, { ...node(1), canReattest: true }, at(0));
      assert.deepEqual(created, {
        ...node(1),
        newCertSerial: null,
        newCertNotAfter: null,
        banned: false,
        canReattest: true,
        createdAt: at(0),
        updatedAt: at(0),
      });
      assert.deepEqual(await getNode(ctx.db, node(1).spiffeId), created);
      assert.equal(await getNode(ctx.db, 'spiffe://example.org/agent/none'), undefined);
    });

    it('refuses a node that is already attested', async () => {
      await createNode(ctx.db, node(1), at(0));
      await rejectsWith(createNode(ctx.db, node(1), at(1)), {
        type: AlreadyExistsError,
        code: 'ERR_DATASTORE_ALREADY_EXISTS',
        message: 'attested_nodes.spiffe_id',
      });
    });

    it('refuses a serial without an expiry, and a non-hex serial', async () => {
      await rejectsWith(createNode(ctx.db, { ...node(1), certNotAfter: null }, at(0)), {
        type: InvalidArgumentError,
        code: 'ERR_DATASTORE_INVALID_ARGUMENT',
        constraint: 'attested_nodes_cert_check',
      });
      await rejectsWith(createNode(ctx.db, { ...node(1), certSerial: 'XYZ' }, at(0)), {
        type: InvalidArgumentError,
        code: 'ERR_DATASTORE_INVALID_ARGUMENT',
        constraint: 'attested_nodes_cert_check',
      });
      assert.equal(await countRows(ctx.db, 'attested_nodes'), 0);
    });

    it('rotates serials with an update, leaving unnamed fields alone', async () => {
      await createNode(ctx.db, node(1), at(0));
      const staged = await updateNode(ctx.db, node(1).spiffeId, { newCertSerial: 'ff', newCertNotAfter: at(7200) }, at(10));
      assert.equal(staged.certSerial, node(1).certSerial);
      const rotated = await updateNode(
        ctx.db,
        node(1).spiffeId,
        { certSerial: 'ff', certNotAfter: at(7200), newCertSerial: null, newCertNotAfter: null },
        at(20),
      );
      assert.deepEqual(
        [rotated.certSerial, rotated.certNotAfter, rotated.newCertSerial, rotated.updatedAt],
        ['ff', at(7200), null, at(20)],
      );
      await rejectsWith(updateNode(ctx.db, 'spiffe://example.org/agent/none', { canReattest: true }, at(0)), {
        type: NotFoundError,
        code: 'ERR_DATASTORE_NOT_FOUND',
      });
    });

    it('bans a node by clearing its serials; a banned node cannot get serials back', async () => {
      await createNode(ctx.db, node(1), at(0));
      const banned = await banNode(ctx.db, node(1).spiffeId, at(5));
      assert.deepEqual([banned.banned, banned.certSerial, banned.certNotAfter], [true, null, null]);
      await rejectsWith(updateNode(ctx.db, node(1).spiffeId, { certSerial: 'aa', certNotAfter: at(9) }, at(6)), {
        type: InvalidArgumentError,
        code: 'ERR_DATASTORE_INVALID_ARGUMENT',
        constraint: 'attested_nodes_banned_check',
      });
    });

    it('evicts a node together with its selectors', async () => {
      await createNode(ctx.db, node(1), at(0));
      await setNodeSelectors(ctx.db, node(1).spiffeId, [{ type: 'k8s_psat', value: 'cluster:prod' }], at(1));
      const evicted = await evictNode(ctx.db, node(1).spiffeId);
      assert.equal(evicted.spiffeId, node(1).spiffeId);
      assert.equal(await countRows(ctx.db, 'node_selectors'), 0);
      await rejectsWith(evictNode(ctx.db, node(1).spiffeId), { type: NotFoundError, code: 'ERR_DATASTORE_NOT_FOUND' });
    });

    it('replaces a node’s selectors, sorted; refuses an unknown node and duplicates', async () => {
      await createNode(ctx.db, node(1), at(0));
      await setNodeSelectors(ctx.db, node(1).spiffeId, [{ type: 'b', value: '1' }, { type: 'a', value: '2' }], at(1));
      const replaced = await setNodeSelectors(ctx.db, node(1).spiffeId, [{ type: 'c', value: '3' }, { type: 'a', value: '1' }], at(2));
      assert.deepEqual(replaced, [{ type: 'a', value: '1' }, { type: 'c', value: '3' }]);
      assert.deepEqual(await getNodeSelectors(ctx.db, node(1).spiffeId), replaced);
      assert.deepEqual((await getNode(ctx.db, node(1).spiffeId))?.updatedAt, at(2));
      await rejectsWith(setNodeSelectors(ctx.db, 'spiffe://example.org/agent/none', [], at(3)), {
        type: NotFoundError,
        code: 'ERR_DATASTORE_NOT_FOUND',
      });
      await rejectsWith(setNodeSelectors(ctx.db, node(1).spiffeId, [{ type: 'a', value: '1' }, { type: 'a', value: '1' }], at(3)), {
        type: InvalidArgumentError,
        code: 'ERR_DATASTORE_INVALID_ARGUMENT',
      });
      assert.deepEqual(await getNodeSelectors(ctx.db, node(1).spiffeId), replaced);
    });

    describe('listing', () => {
      const setUp = async (): Promise<void> => {
        for (const n of [1, 2, 3, 4]) await createNode(ctx.db, node(n), at(0));
        await banNode(ctx.db, node(4).spiffeId, at(0));
        await setNodeSelectors(ctx.db, node(1).spiffeId, [{ type: 'r', value: 'eu' }, { type: 'c', value: 'prod' }], at(0));
        await setNodeSelectors(ctx.db, node(2).spiffeId, [{ type: 'r', value: 'eu' }], at(0));
        await setNodeSelectors(ctx.db, node(3).spiffeId, [{ type: 'r', value: 'us' }], at(0));
      };
      const cases: { name: string; filter: NodeFilter; nodes: number[] }[] = [
        { name: 'everything', filter: {}, nodes: [1, 2, 3, 4] },
        { name: 'by attestation type', filter: { attestationType: 'join_token' }, nodes: [2, 4] },
        { name: 'banned nodes', filter: { banned: true }, nodes: [4] },
        { name: 'certificates expiring soon', filter: { certExpiresBefore: at(3600 * 2.5) }, nodes: [1, 2] },
        { name: 'selectors superset', filter: { selectors: { selectors: [{ type: 'r', value: 'eu' }], match: 'superset' } }, nodes: [1, 2] },
        {
          name: 'selectors subset',
          filter: { selectors: { selectors: [{ type: 'r', value: 'eu' }, { type: 'r', value: 'us' }], match: 'subset' } },
          nodes: [2, 3],
        },
        {
          name: 'selectors exact',
          filter: { selectors: { selectors: [{ type: 'c', value: 'prod' }, { type: 'r', value: 'eu' }], match: 'exact' } },
          nodes: [1],
        },
      ];
      for (const { name, filter, nodes } of cases) {
        it(`lists ${name}`, async () => {
          await setUp();
          const page = await listNodes(ctx.db, filter);
          assert.deepEqual(
            page.items.map((n) => n.spiffeId),
            nodes.map((n) => node(n).spiffeId),
          );
        });
      }

      it('pages through nodes and reads selectors of several nodes at once', async () => {
        await setUp();
        const first = await listNodes(ctx.db, {}, { pageSize: 3 });
        const second = await listNodes(ctx.db, {}, { pageSize: 3, pageToken: first.nextPageToken });
        assert.deepEqual([first.items.length, second.items.length, second.nextPageToken], [3, 1, undefined]);
        const selectors = await listNodeSelectors(ctx.db, [node(1).spiffeId, node(4).spiffeId]);
        assert.deepEqual(
          [...selectors.entries()],
          [
            [node(1).spiffeId, [{ type: 'c', value: 'prod' }, { type: 'r', value: 'eu' }]],
            [node(4).spiffeId, []],
          ],
        );
      });
    });
  });
}
