import assert from 'node:assert/strict';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnConnectedChild } from './child-connection.test-helper.js';
import { peerCredAddon, type PeerCredAddon } from './native.js';
import { socketFd } from './socket-fd.js';
import { peerOf, type PeerOfOptions, type SocketPeer } from './workload-peer.js';

/** Whether the running kernel is at least `major.minor`. */
function kernelAtLeast(major: number, minor: number): boolean {
  const [a = 0, b = 0] = release().split('.').map((n) => Number.parseInt(n, 10));
  return a > major || (a === major && b >= minor);
}

/** A Unix-socket server whose accepted connections are handed out one by one. */
class PeerServer {
  readonly path: string;
  readonly #server: Server;
  readonly #waiting: ((socket: Socket) => void)[] = [];

  constructor(path: string) {
    this.path = path;
    this.#server = createServer((socket) => {
      socket.on('error', () => {});
      this.#waiting.shift()?.(socket);
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.#server.listen(this.path, resolve));
  }

  /** Resolves with the next accepted connection. */
  nextConnection(): Promise<Socket> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

describe('peerOf', () => {
  let dir: string;
  let server: PeerServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-peer-'));
    server = new PeerServer(join(dir, 'peer.sock'));
    await server.listen();
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The peer of a connection from another process, with the child that made it. */
  async function childPeer(options?: PeerOfOptions) {
    const accepted = server.nextConnection();
    const child = await spawnConnectedChild(server.path);
    const socket = await accepted;
    return { child, socket, peer: peerOf(socket, options) };
  }

  test('reports the pid, uid and gid of the process that connected', async () => {
    const { child, socket, peer } = await childPeer();
    try {
      assert.deepEqual(peer.credentials, { pid: child.pid, uid: process.getuid?.(), gid: process.getgid?.() });
      assert.notEqual(peer.credentials.pid, process.pid);
    } finally {
      socket.destroy();
      await child.exit();
    }
  });

  test('pins the very process that connected with SO_PEERPIDFD (Linux 6.5 and later)', { skip: !kernelAtLeast(6, 5) && 'the kernel is older than 6.5' }, async () => {
    const { child, socket, peer } = await childPeer();
    try {
      assert.equal(peer.pidfdSource, 'so_peerpidfd');
      assert.match(peer.startTime ?? '', /^\d+$/);
    } finally {
      socket.destroy();
      await child.exit();
    }
  });

  test('is the same process while the client lives, and no longer once it has exited', async () => {
    const { child, socket, peer } = await childPeer();
    try {
      assert.equal(peer.isSameProcess(), true);
      assert.equal(peer.isSameProcess(), true, 'asking twice changes nothing');
      await child.exit();
      assert.equal(peer.isSameProcess(), false);
    } finally {
      socket.destroy();
    }
  });

  test('falls back to pidfd_open when the kernel has no SO_PEERPIDFD, with the same answers', async () => {
    const real = peerCredAddon();
    const withoutPeerPidfd: PeerCredAddon = { ...real, peerPidfd: () => -1 };
    const { child, socket, peer } = await childPeer({ addon: withoutPeerPidfd });
    try {
      assert.equal(peer.pidfdSource, 'pidfd_open');
      assert.equal(peer.credentials.pid, child.pid);
      assert.equal(peer.isSameProcess(), true);
      await child.exit();
      assert.equal(peer.isSameProcess(), false);
    } finally {
      socket.destroy();
    }
  });

  test('does not vouch for a process whose start time could not be read at accept', async () => {
    const fakeProc = await mkdtemp(join(tmpdir(), 'signet-proc-'));
    const { child, socket, peer } = await childPeer({ procRoot: fakeProc });
    try {
      // No stat file under the fake root: the start time could not be read at accept.
      assert.equal(peer.startTime, undefined);
      assert.equal(peer.isSameProcess(), false, 'a process whose start time is unknown is never vouched for');
    } finally {
      socket.destroy();
      await child.exit();
      await rm(fakeProc, { recursive: true, force: true });
    }
  });

  test('closes its pidfd when the connection closes, and then vouches for nothing', async () => {
    const real = peerCredAddon();
    const closed: number[] = [];
    const counting: PeerCredAddon = {
      ...real,
      closeFd: (fd) => {
        closed.push(fd);
        real.closeFd(fd);
      },
    };
    const { child, socket, peer } = await childPeer({ addon: counting });
    try {
      assert.equal(peer.isSameProcess(), true);
      socket.destroy();
      await once(socket, 'close');
      assert.equal(closed.length, 1, 'exactly one descriptor is closed');
      assert.equal(peer.isSameProcess(), false, 'the child still runs, but the connection is gone');
    } finally {
      await child.exit();
    }
  });

  test('reports this very process for a connection it made itself', async () => {
    const accepted = server.nextConnection();
    const client = connect(server.path);
    const socket = await accepted;
    try {
      const peer: SocketPeer = peerOf(socket);
      assert.equal(peer.credentials.pid, process.pid);
      assert.equal(peer.isSameProcess(), true);
    } finally {
      client.destroy();
      socket.destroy();
    }
  });
});

describe('socketFd', () => {
  test('refuses a socket that has been destroyed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-fd-'));
    const server = createServer();
    const path = join(dir, 'fd.sock');
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const client = connect(path);
    await once(client, 'connect');
    try {
      assert.ok(socketFd(client) >= 0);
      client.destroy();
      assert.throws(() => socketFd(client), /no file descriptor \(it is closed\)/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the native addon', () => {
  test('says a process that does not exist is gone', () => {
    assert.equal(peerCredAddon().pidfdOpen(2 ** 22 + 12_345), -1);
  });

  test('throws the errno name for a descriptor that is not a socket', () => {
    const fd = openSync(process.execPath, 'r');
    try {
      assert.throws(
        () => peerCredAddon().peerCredentials(fd),
        (err: NodeJS.ErrnoException) => err.code === 'ENOTSOCK' && /SO_PEERCRED/.test(err.message),
      );
    } finally {
      closeSync(fd);
    }
  });

  test('throws a TypeError for an argument that is not a number', () => {
    assert.throws(() => peerCredAddon().pidfdAlive('3' as unknown as number), TypeError);
  });
});
