/**
 * The authority journal: lifecycle transitions with expected-state checks,
 * the one-prepared / one-active rule, and key material round trips.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activateAuthority, insertAuthority, listAuthorities, type NewAuthority, transitionAuthority } from '../ca/authorities.js';
import { AlreadyExistsError, ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { at, countRows, rejectsWith, type SuiteContext } from './context.js';

const x509 = (n: number): NewAuthority => ({
  id: `x509-${n}`,
  kind: 'x509',
  publicKey: new Uint8Array([0x30, n, 0xff]),
  certificate: new Uint8Array([0x30, 0x82, n]),
  keyId: `ski-${n}`,
  upstreamChain: [new Uint8Array([1, n]), new Uint8Array([2, n, 0])],
  keyRef: `kms://keys/x509-${n}`,
  notBefore: at(0),
  notAfter: at(86_400),
});

const jwt = (n: number): NewAuthority => ({
  id: `jwt-${n}`,
  kind: 'jwt',
  publicKey: new Uint8Array([0x30, n]),
  keyId: `kid-${n}`,
  keyRef: `kms://keys/jwt-${n}`,
  notBefore: at(0),
  notAfter: at(86_400),
});

const badAuthorities: { name: string; input: NewAuthority; constraint: string }[] = [
  { name: 'an x509 authority without a certificate', input: { ...x509(1), certificate: null }, constraint: 'ca_authorities_certificate_check' },
  { name: 'a jwt authority with a certificate', input: { ...jwt(1), certificate: new Uint8Array([1]) }, constraint: 'ca_authorities_certificate_check' },
  { name: 'an empty public key', input: { ...x509(1), publicKey: new Uint8Array([]) }, constraint: 'ca_authorities_public_key_check' },
  { name: 'a validity that ends before it starts', input: { ...x509(1), notAfter: at(0) }, constraint: 'ca_authorities_validity_check' },
  { name: 'an empty key reference', input: { ...x509(1), keyRef: '' }, constraint: 'ca_authorities_key_ref_check' },
];

/** Registers the authority journal tests. */
export function authoritiesSuite(ctx: SuiteContext): void {
  describe('ca authorities', () => {
    it('stores a prepared authority with its key material byte for byte', async () => {
      const created = await insertAuthority(ctx.db, x509(1), at(0));
      assert.equal(created.state, 'prepared');
      assert.deepEqual(created.publicKey, new Uint8Array([0x30, 1, 0xff]));
      assert.deepEqual(created.certificate, new Uint8Array([0x30, 0x82, 1]));
      assert.deepEqual(created.upstreamChain, [new Uint8Array([1, 1]), new Uint8Array([2, 1, 0])]);
      assert.deepEqual([created.createdAt, created.activatedAt], [at(0), null]);
      const jwtAuthority = await insertAuthority(ctx.db, jwt(1), at(0));
      assert.deepEqual([jwtAuthority.certificate, jwtAuthority.upstreamChain], [null, []]);
    });

    for (const { name, input, constraint } of badAuthorities) {
      it(`refuses ${name}`, async () => {
        await rejectsWith(insertAuthority(ctx.db, input, at(0)), {
          type: InvalidArgumentError,
          code: 'ERR_DATASTORE_INVALID_ARGUMENT',
          constraint,
        });
        assert.equal(await countRows(ctx.db, 'ca_authorities'), 0);
      });
    }

    it('rotates: activating the prepared authority retires the active one', async () => {
      await insertAuthority(ctx.db, x509(1), at(0));
      const first = await activateAuthority(ctx.db, 'x509-1', at(10));
      assert.equal(first.deactivated, undefined);
      assert.deepEqual([first.activated.state, first.activated.activatedAt], ['active', at(10)]);
      await insertAuthority(ctx.db, x509(2), at(20));
      const second = await activateAuthority(ctx.db, 'x509-2', at(30));
      assert.deepEqual([second.activated.id, second.activated.state], ['x509-2', 'active']);
      assert.deepEqual([second.deactivated?.id, second.deactivated?.state, second.deactivated?.deactivatedAt], ['x509-1', 'old', at(30)]);
      const states = (await listAuthorities(ctx.db, { kind: 'x509' })).map((a) => [a.id, a.state]);
      assert.deepEqual(states, [
        ['x509-1', 'old'],
        ['x509-2', 'active'],
      ]);
    });

    it('walks an old authority through tainted and revoked, stamping each step', async () => {
      await insertAuthority(ctx.db, jwt(1), at(0));
      await activateAuthority(ctx.db, 'jwt-1', at(1));
      await transitionAuthority(ctx.db, { id: 'jwt-1', from: 'active', to: 'old' }, at(2));
      await transitionAuthority(ctx.db, { id: 'jwt-1', from: 'old', to: 'tainted' }, at(3));
      const revoked = await transitionAuthority(ctx.db, { id: 'jwt-1', from: 'tainted', to: 'revoked' }, at(4));
      assert.deepEqual(
        [revoked.state, revoked.activatedAt, revoked.deactivatedAt, revoked.taintedAt, revoked.revokedAt, revoked.updatedAt],
        ['revoked', at(1), at(2), at(3), at(4), at(4)],
      );
    });

    it('refuses a transition the lifecycle does not allow', async () => {
      await insertAuthority(ctx.db, x509(1), at(0));
      await rejectsWith(transitionAuthority(ctx.db, { id: 'x509-1', from: 'prepared', to: 'tainted' }, at(1)), {
        type: InvalidArgumentError,
        code: 'ERR_DATASTORE_INVALID_ARGUMENT',
        message: 'cannot move an authority from "prepared" to "tainted"',
      });
    });

    it('refuses a transition from a state the authority is not in, and an unknown authority', async () => {
      await insertAuthority(ctx.db, x509(1), at(0));
      await rejectsWith(transitionAuthority(ctx.db, { id: 'x509-1', from: 'old', to: 'tainted' }, at(1)), {
        type: ConflictError,
        code: 'ERR_DATASTORE_CONFLICT',
        message: 'is prepared, not old',
      });
      await rejectsWith(transitionAuthority(ctx.db, { id: 'nope', from: 'old', to: 'tainted' }, at(1)), {
        type: NotFoundError,
        code: 'ERR_DATASTORE_NOT_FOUND',
      });
      await rejectsWith(activateAuthority(ctx.db, 'nope', at(1)), { type: NotFoundError, code: 'ERR_DATASTORE_NOT_FOUND' });
      await activateAuthority(ctx.db, 'x509-1', at(1));
      await rejectsWith(activateAuthority(ctx.db, 'x509-1', at(2)), {
        type: ConflictError,
        code: 'ERR_DATASTORE_CONFLICT',
        message: 'is active, not prepared',
      });
    });

    it('allows one prepared authority per kind, and unique key ids per kind', async () => {
      await insertAuthority(ctx.db, x509(1), at(0));
      await insertAuthority(ctx.db, jwt(1), at(0));
      await rejectsWith(insertAuthority(ctx.db, x509(2), at(0)), {
        type: AlreadyExistsError,
        code: 'ERR_DATASTORE_ALREADY_EXISTS',
        constraint: 'ca_authorities_one_prepared_idx',
        message: 'already prepared',
      });
      await activateAuthority(ctx.db, 'x509-1', at(1));
      await rejectsWith(insertAuthority(ctx.db, { ...x509(3), keyId: 'ski-1' }, at(2)), {
        type: AlreadyExistsError,
        code: 'ERR_DATASTORE_ALREADY_EXISTS',
        constraint: 'ca_authorities_key_id_key',
      });
    });

    it('lists by kind and states, oldest first', async () => {
      await insertAuthority(ctx.db, x509(1), at(0));
      await activateAuthority(ctx.db, 'x509-1', at(1));
      await insertAuthority(ctx.db, x509(2), at(2));
      await insertAuthority(ctx.db, jwt(1), at(3));
      const ids = async (filter: Parameters<typeof listAuthorities>[1]) => (await listAuthorities(ctx.db, filter)).map((a) => a.id);
      assert.deepEqual(await ids({}), ['x509-1', 'x509-2', 'jwt-1']);
      assert.deepEqual(await ids({ kind: 'x509', states: ['prepared'] }), ['x509-2']);
      assert.deepEqual(await ids({ states: ['prepared', 'active'] }), ['x509-1', 'x509-2', 'jwt-1']);
      assert.deepEqual(await ids({ kind: 'jwt', states: ['active'] }), []);
    });
  });
}
