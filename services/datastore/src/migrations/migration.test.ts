/**
 * Migration checksums and labels, and the advisory lock keys.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fnv1a32, migrationLockKey } from '../db/advisory-locks.js';
import { MIGRATIONS } from './index.js';
import { migrationChecksum, migrationLabel } from './migration.js';

describe('migrations', () => {
  it('checksums SQL with SHA-256, ignoring CRLF line endings', () => {
    const lf = { version: 1, name: 'x', sql: 'CREATE TABLE a (id int);\nSELECT 1;' };
    assert.match(migrationChecksum(lf), /^sha256:[0-9a-f]{64}$/);
    assert.equal(migrationChecksum({ ...lf, sql: lf.sql.replace('\n', '\r\n') }), migrationChecksum(lf));
    assert.notEqual(migrationChecksum({ ...lf, sql: `${lf.sql} ` }), migrationChecksum(lf));
  });

  it('labels migrations by zero-padded version and name', () => {
    assert.equal(migrationLabel({ version: 7, name: 'add_things' }), '0007_add_things');
  });

  it('numbers the built-in migrations from 1 without gaps', () => {
    assert.deepEqual(
      MIGRATIONS.map((m) => m.version),
      MIGRATIONS.map((_, i) => i + 1),
    );
    assert.equal(MIGRATIONS[0]?.name, 'init');
  });

  it('derives a distinct, positive migration lock key per schema', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    const keys = ['public', 'signet', 'signet_test_1'].map((s) => BigInt(migrationLockKey(s)));
    assert.equal(new Set(keys).size, 3);
    for (const key of keys) assert.ok(key > 0n && key < 2n ** 63n);
  });
});
