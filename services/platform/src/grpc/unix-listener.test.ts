import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unary } from '../api/handler.js';
import { createLogger } from '../log/logger.js';
import { captureLogs } from '../testing/log-capture.js';
import { unaryCall } from './client-calls.js';
import { createGrpcClient } from './client.js';
import { signetProtos } from './protos.js';
import { createGrpcServer } from './server.js';

const protos = signetProtos();

describe('Unix socket listeners', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-unix-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const newServer = () => createGrpcServer({ logger: createLogger({ level: 'warn', service: 'test', destination: captureLogs().stream }) });

  test('the admin socket file has mode 0600 and callers on it are admins', async () => {
    const path = join(dir, 'admin.sock');
    const server = newServer();
    let caller: unknown;
    server.addService(protos.ca, {
      GetBundle: unary(['admin'], async (_r, ctx) => {
        caller = ctx.caller;
        return {};
      }),
    });
    try {
      const address = await server.listenUnix(path, { admin: true });
      assert.deepEqual(address, { kind: 'unix', path, admin: true });
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      const client = createGrpcClient(protos.ca, `unix://${path}`);
      await unaryCall((cb) => client.GetBundle({}, cb));
      client.close();
      assert.deepEqual(caller, { kind: 'admin', via: 'unix' });
    } finally {
      await server.close(100);
    }
    await assert.rejects(stat(path), /ENOENT/, 'the socket file is removed on close');
  });

  test('a stale socket file left by a crashed process is replaced', async () => {
    const path = join(dir, 'stale.sock');
    execFileSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`]);
    assert.ok((await stat(path)).isSocket());
    const server = newServer();
    try {
      await server.listenUnix(path, { admin: false, mode: 0o660 });
      assert.equal((await stat(path)).mode & 0o777, 0o660);
    } finally {
      await server.close(100);
    }
  });

  test('a socket another process listens on is not taken over', async () => {
    const path = join(dir, 'busy.sock');
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(path, resolve));
    const server = newServer();
    try {
      await assert.rejects(server.listenUnix(path, { admin: true }), /another process is listening on it/);
    } finally {
      await server.close(100);
      await new Promise((resolve) => other.close(resolve));
    }
  });

  test('a regular file at the path is never deleted', async () => {
    const path = join(dir, 'not-a-socket');
    await writeFile(path, 'precious');
    const server = newServer();
    try {
      await assert.rejects(server.listenUnix(path, { admin: true }), /exists and is not a socket/);
      assert.ok((await stat(path)).isFile());
    } finally {
      await server.close(100);
    }
  });
});
