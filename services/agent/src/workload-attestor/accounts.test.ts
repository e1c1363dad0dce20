import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAccountNames, parseIdNames } from './accounts.js';

describe('parseIdNames', () => {
  const cases: { name: string; text: string; expected: [number, string][] }[] = [
    {
      name: 'an /etc/passwd file',
      text: 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n',
      expected: [[0, 'root'], [1, 'daemon'], [1000, 'alice']],
    },
    {
      name: 'an /etc/group file',
      text: 'root:x:0:\nsudo:x:27:alice,bob\nalice:x:1000:\n',
      expected: [[0, 'root'], [27, 'sudo'], [1000, 'alice']],
    },
    {
      name: 'comments, blank lines and NIS lines, which are skipped',
      text: '# users\n\n+nisuser::::::\n-blocked::::::\n+\nbob:x:1001:1001::/home/bob:/bin/sh\n',
      expected: [[1001, 'bob']],
    },
    {
      name: 'malformed lines, which are skipped',
      text: 'nouid:x::0::/:/bin/sh\n:x:5:5::/:/bin/sh\nneg:x:-3:0::/:/bin/sh\nbig:x:4294967296:0::/:/bin/sh\nshort:x\nok:x:7:7::/:/bin/sh\n',
      expected: [[7, 'ok']],
    },
    {
      name: 'an id listed twice, where the first name wins',
      text: 'root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n',
      expected: [[0, 'root']],
    },
    {
      name: 'Windows line endings',
      text: 'carol:x:1002:1002::/home/carol:/bin/sh\r\n',
      expected: [[1002, 'carol']],
    },
  ];
  for (const c of cases) {
    test(`reads ${c.name}`, () => {
      assert.deepEqual([...parseIdNames(c.text)], c.expected);
    });
  }
});

describe('createAccountNames', () => {
  let dir: string;
  let passwd: string;
  let group: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-accounts-'));
    passwd = join(dir, 'passwd');
    group = join(dir, 'group');
    await writeFile(passwd, 'alice:x:1000:1000::/home/alice:/bin/sh\n');
    await writeFile(group, 'staff:x:50:\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('names users and groups from the files, and nothing for unknown ids', async () => {
    const names = createAccountNames({ passwdPath: passwd, groupPath: group });
    assert.equal(await names.userName(1000), 'alice');
    assert.equal(await names.groupName(50), 'staff');
    assert.equal(await names.userName(50), undefined, 'a group id is not a user id');
    assert.equal(await names.groupName(1000), undefined);
  });

  test('uses a file read until its time to live is over, then reads it again', async () => {
    const path = join(dir, 'passwd-ttl');
    await writeFile(path, 'old:x:2000:2000::/:/bin/sh\n');
    let now = 0;
    const names = createAccountNames({ passwdPath: path, groupPath: group, ttlMs: 1_000, now: () => now });
    assert.equal(await names.userName(2000), 'old');
    await writeFile(path, 'new:x:2000:2000::/:/bin/sh\n');
    now = 999;
    assert.equal(await names.userName(2000), 'old', 'still cached');
    now = 1_000;
    assert.equal(await names.userName(2000), 'new', 'read again');
  });

  test('has no names when a file does not exist', async () => {
    const names = createAccountNames({ passwdPath: join(dir, 'missing'), groupPath: join(dir, 'missing-too') });
    assert.equal(await names.userName(0), undefined);
    assert.equal(await names.groupName(0), undefined);
  });

  test('finds the names of this machine in the real /etc/passwd', async () => {
    const names = createAccountNames();
    assert.equal(await names.userName(0), 'root');
  });
});
