/**
 * What only the embedded engine does: files in `<dataDir>/pgdata` that
 * survive a restart, and one process per data directory.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, UnavailableError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { openDatastore } from '../open.js';
import { createJoinToken, getJoinToken } from '../registrar/join-tokens.js';
import { rejectsWith } from '../suite/context.js';

describe('embedded engine', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'signet-pglite-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps its data across a restart, refuses a second opener, and takes over a stale lock', async () => {
    const token = 'persisted-join-token-0001';
    const first = await openDatastore({ dataDir, logger: silentLogger });
    assert.equal(first.engine, 'pglite');
    try {
      await createJoinToken(first, { token, expiresAt: new Date('2031-01-01T00:00:00Z') }, new Date('2030-01-01T00:00:00Z'));
      await rejectsWith(openDatastore({ dataDir, logger: silentLogger }), {
        type: UnavailableError,
        code: 'ERR_DATASTORE_UNAVAILABLE',
        message: `in use by process ${process.pid}`,
      });
    } finally {
      await first.close();
    }
    await writeFile(join(dataDir, 'pgdata.lock'), '2147483646\n');
    const second = await openDatastore({ dataDir, logger: silentLogger });
    try {
      assert.ok((await getJoinToken(second, token)) !== undefined, 'the token survived the restart');
    } finally {
      await second.close();
    }
  });

  it('needs a data directory when no database URL is configured', async () => {
    await rejectsWith(openDatastore({ url: '', dataDir: undefined }), {
      type: InvalidArgumentError,
      code: 'ERR_DATASTORE_INVALID_ARGUMENT',
      message: 'dataDir: required',
    });
  });
});
