import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiError } from '@signet/platform';
import type { Selector } from '../domain/selectors.js';
import type { PeerCredentials, WorkloadPeer } from '../peer/types.js';
import { createUnixAttestor, executablePath } from './unix.js';

const NO_PROCESS = 2 ** 22 + 12_345;

function peerWith(credentials: PeerCredentials): WorkloadPeer {
  return { credentials, isSameProcess: () => true };
}

const values = (selectors: readonly Selector[]): string[] => selectors.map((s) => `${s.type}:${s.value}`);

describe('executablePath', () => {
  const cases: [string, string][] = [
    ['/usr/bin/envoy', '/usr/bin/envoy'],
    ['/usr/bin/envoy (deleted)', '/usr/bin/envoy'],
    ['/opt/my (deleted) app', '/opt/my (deleted) app'],
    ['/opt/app (deleted) (deleted)', '/opt/app (deleted)'],
  ];
  for (const [target, expected] of cases) {
    test(`reads the link target "${target}" as "${expected}"`, () => assert.equal(executablePath(target), expected));
  }
});

describe('the unix attestor on a fake /proc', () => {
  let dir: string;
  let proc: string;
  let binary: string;
  const pid = 4242;
  const binaryBytes = 'pretend this is an ELF binary';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-unix-'));
    proc = join(dir, 'proc');
    binary = join(dir, 'bin', 'payments');
    await mkdir(join(dir, 'bin'));
    await writeFile(binary, binaryBytes);
    await mkdir(join(proc, String(pid)), { recursive: true });
    await writeFile(
      join(proc, String(pid), 'status'),
      'Name:\tpayments\nUid:\t1000\t1001\t1000\t1001\nGid:\t2000\t2001\t2000\t2001\nGroups:\t2001 3000 3999\n',
    );
    await symlink(binary, join(proc, String(pid), 'exe'));
    await writeFile(join(dir, 'passwd'), 'alice:x:1000:2000::/home/alice:/bin/sh\nbob:x:1001:2001::/home/bob:/bin/sh\n');
    await writeFile(join(dir, 'group'), 'alice:x:2000:\nbob:x:2001:\ndocker:x:3000:bob\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const attestor = (options: { hashBinary?: boolean; hashMaxBytes?: number } = {}) =>
    createUnixAttestor({ procRoot: proc, passwdPath: join(dir, 'passwd'), groupPath: join(dir, 'group'), ...options });

  test('gives the effective ids from the status file, their names, the groups and the path', async () => {
    const selectors = await attestor().attest(peerWith({ pid, uid: 1, gid: 1 }));
    assert.ok(selectors.every((s) => s.type === 'unix'));
    assert.deepEqual(values(selectors), [
      `unix:pid:${pid}`,
      'unix:uid:1001',
      'unix:user:bob',
      'unix:gid:2001',
      'unix:group:bob',
      'unix:supplementary_gid:2001',
      'unix:supplementary_group:bob',
      'unix:supplementary_gid:3000',
      'unix:supplementary_group:docker',
      'unix:supplementary_gid:3999',
      `unix:path:${binary}`,
    ]);
  });

  test('adds the SHA-256 of the executable when asked', async () => {
    const selectors = values(await attestor({ hashBinary: true }).attest(peerWith({ pid, uid: 1, gid: 1 })));
    const expected = createHash('sha256').update(binaryBytes).digest('hex');
    assert.ok(selectors.includes(`unix:sha256:${expected}`), selectors.join('\n'));
  });

  test('leaves the hash out for an executable over the size limit', async () => {
    const selectors = values(await attestor({ hashBinary: true, hashMaxBytes: binaryBytes.length - 1 }).attest(peerWith({ pid, uid: 1, gid: 1 })));
    assert.equal(selectors.filter((s) => s.startsWith('unix:sha256:')).length, 0);
    assert.ok(selectors.includes(`unix:path:${binary}`));
  });

  test('falls back to the kernel credentials when the status file has no id lines', async () => {
    const bare = 4343;
    await mkdir(join(proc, String(bare)));
    await writeFile(join(proc, String(bare), 'status'), 'Name:\tkworker\n');
    await symlink(`${binary} (deleted)`, join(proc, String(bare), 'exe'));
    const selectors = values(await attestor().attest(peerWith({ pid: bare, uid: 1000, gid: 3000 })));
    assert.deepEqual(selectors, [`unix:pid:${bare}`, 'unix:uid:1000', 'unix:user:alice', 'unix:gid:3000', 'unix:group:docker', `unix:path:${binary}`]);
  });

  test('refuses a process that has exited', async () => {
    await assert.rejects(
      attestor().attest(peerWith({ pid: 999, uid: 0, gid: 0 })),
      (err: unknown) => err instanceof ApiError && err.apiCode === 'permission_denied' && /exited before it could be attested/.test(err.message),
    );
  });

  test('refuses a peer without a pid (from another pid namespace)', async () => {
    await assert.rejects(attestor().attest(peerWith({ pid: 0, uid: 0, gid: 0 })), (err: unknown) => err instanceof ApiError && err.apiCode === 'permission_denied');
  });
});

describe('the unix attestor on this very process', () => {
  const me = (): WorkloadPeer => peerWith({ pid: process.pid, uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 });

  test('gives its pid, uid, gid and executable', async () => {
    const selectors = values(await createUnixAttestor().attest(me()));
    assert.ok(selectors.includes(`unix:pid:${process.pid}`));
    assert.ok(selectors.includes(`unix:uid:${process.geteuid?.()}`));
    assert.ok(selectors.includes(`unix:gid:${process.getegid?.()}`));
    assert.ok(selectors.includes(`unix:path:${await realpath(process.execPath)}`), selectors.join('\n'));
  });

  test('names the user from the real /etc/passwd when it is listed there', async () => {
    const selectors = values(await createUnixAttestor().attest(me()));
    if (process.geteuid?.() === 0) assert.ok(selectors.includes('unix:user:root'));
    assert.equal(selectors.filter((s) => s.startsWith('unix:user:')).length <= 1, true);
  });

  test('lists only supplementary groups the process has', async () => {
    const selectors = values(await createUnixAttestor().attest(me()));
    const groups = new Set(process.getgroups?.() ?? []);
    for (const s of selectors.filter((v) => v.startsWith('unix:supplementary_gid:'))) {
      assert.ok(groups.has(Number(s.slice('unix:supplementary_gid:'.length))), s);
    }
  });

  test('does not hash a binary larger than the limit (node is not tiny)', async () => {
    const selectors = values(await createUnixAttestor({ hashBinary: true, hashMaxBytes: 1024 }).attest(me()));
    assert.equal(selectors.filter((s) => s.startsWith('unix:sha256:')).length, 0);
  });

  test('refuses a pid no process has', async () => {
    await assert.rejects(createUnixAttestor().attest(peerWith({ pid: NO_PROCESS, uid: 0, gid: 0 })), (err: unknown) => err instanceof ApiError && err.apiCode === 'permission_denied');
  });
});
