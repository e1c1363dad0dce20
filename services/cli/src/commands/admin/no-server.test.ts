/**
 * The admin commands without a server: finding the admin socket (`--socket`, `--data-dir`,
 * `SIGNET_DATA_DIR`, `./.signet`), the "no Signet server" hint for a missing or dead socket, and
 * `--help` on every admin command.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { adminSocketPath } from '../../admin-client.js';
import { runCli } from '../../testing.js';
import { adminCommands } from './index.js';

/** One call per command group that reaches the server. */
const GROUP_CALLS: readonly string[][] = [
  ['entry', 'list'],
  ['entry', 'show', '--entry-id', 'x'],
  ['token', 'generate'],
  ['agent', 'list'],
  ['bundle', 'show'],
  ['authority', 'x509', 'show'],
  ['x509', 'mint', '--spiffe-id', 'spiffe://example.org/a'],
  ['jwt', 'mint', '--spiffe-id', 'spiffe://example.org/a', '--audience', 'b'],
];

describe('admin commands without a server', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-cli-noserver-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  describe('finding the admin socket', () => {
    const cases: Array<{ name: string; flags: Record<string, string>; env: Record<string, string>; socket: string }> = [
      { name: '--socket wins over everything', flags: { socket: '/run/a.sock', 'data-dir': '/var/x' }, env: { SIGNET_DATA_DIR: '/var/y' }, socket: '/run/a.sock' },
      { name: '--data-dir wins over SIGNET_DATA_DIR', flags: { 'data-dir': '/var/x' }, env: { SIGNET_DATA_DIR: '/var/y' }, socket: '/var/x/admin.sock' },
      { name: 'SIGNET_DATA_DIR is used without flags', flags: {}, env: { SIGNET_DATA_DIR: '/var/y' }, socket: '/var/y/admin.sock' },
      { name: './.signet is the default', flags: {}, env: {}, socket: resolve('.signet', 'admin.sock') },
      { name: 'relative paths are made absolute', flags: { socket: 'here.sock' }, env: {}, socket: resolve('here.sock') },
    ];
    for (const c of cases) {
      it(c.name, () => assert.equal(adminSocketPath(c.flags, c.env), c.socket));
    }
  });

  it('fails every command group with the "start a server" hint when the socket does not exist', async () => {
    const socket = join(dir, 'admin.sock');
    for (const argv of GROUP_CALLS) {
      const r = await runCli(argv, { SIGNET_DATA_DIR: dir });
      assert.equal(r.code, 1, argv.join(' '));
      assert.equal(r.stderr, `signet: error: no Signet server at ${socket}: start one with \`signet server\`\n`, argv.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  it('says the socket is not one when --socket names a regular file', async () => {
    const file = join(dir, 'plain-file');
    await writeFile(file, '');
    const r = await runCli(['entry', 'list', '--socket', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /plain-file is not a socket/);
  });

  describe('on a socket left behind by a dead server', () => {
    let child: ChildProcess;
    const socket = (): string => join(dir, 'dead.sock');
    before(async () => {
      const script = `require('node:net').createServer().listen(${JSON.stringify(socket())}, () => process.stdout.write('up'))`;
      child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((ok) => child.stdout?.once('data', () => ok()));
      child.kill('SIGKILL');
      await new Promise<void>((ok) => child.once('exit', () => ok()));
      for (let i = 0; i < 50 && !existsSync(socket()); i++) await sleep(10);
    });

    it('fails with the hint that nothing answers', async () => {
      assert.ok(existsSync(socket()), 'the killed server left its socket file');
      const r = await runCli(['entry', 'list', '--socket', socket()]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `signet: error: no Signet server at ${socket()} (nothing answers on the socket): start one with \`signet server\`\n`);
    });

    it('reports the server unhealthy, shallow or not, with exit code 1', async () => {
      for (const extra of [[], ['--shallow']]) {
        const r = await runCli(['healthcheck', '--socket', socket(), ...extra]);
        assert.equal(r.code, 1, extra.join(' '));
        assert.match(r.stderr, /^signet: error: unhealthy: no Signet server at .*dead\.sock \(nothing answers on the socket\): start one with `signet server`\n$/);
      }
      const json = await runCli(['healthcheck', '--socket', socket(), '--output', 'json']);
      assert.equal(json.code, 1);
      assert.equal(JSON.parse(json.stdout).healthy, false);
    });
  });

  it('reports a missing socket as unhealthy', async () => {
    const r = await runCli(['healthcheck', '--shallow'], { SIGNET_DATA_DIR: dir });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `signet: error: unhealthy: no Signet server at ${join(dir, 'admin.sock')}: start one with \`signet server\`\n`);
  });

  it('prints help for every admin command, naming the socket flags', async () => {
    for (const cmd of adminCommands) {
      const r = await runCli([...cmd.path, '--help']);
      assert.equal(r.code, 0, cmd.path.join(' '));
      assert.match(r.stdout, new RegExp(`^Usage: signet ${cmd.path.join(' ')} \\[flags\\]\\n`));
      assert.match(r.stdout, /--socket PATH\s+admin socket of the server/);
      assert.match(r.stdout, /-o, --output FORMAT/);
    }
  });

  it('lists the admin command groups in the root help', async () => {
    const r = await runCli(['--help']);
    for (const words of ['entry create', 'token generate', 'agent ban', 'bundle set', 'authority x509 taint', 'x509 mint', 'jwt mint', 'healthcheck']) {
      assert.match(r.stdout, new RegExp(`\\n  ${words}\\s`), words);
    }
  });
});
