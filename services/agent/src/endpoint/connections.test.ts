import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { WorkloadPeer } from '../peer/types.js';
import { ConnectionTable, grpcPeerName } from './connections.js';

describe('grpcPeerName', () => {
  const cases: { socket: { remoteAddress?: string; remotePort?: number }; expected: string }[] = [
    { socket: { remoteAddress: '10.0.0.1', remotePort: 443 }, expected: '10.0.0.1:443' },
    { socket: { remoteAddress: 'uds-3' }, expected: 'uds-3' },
    { socket: { remoteAddress: 'uds-3', remotePort: 0 }, expected: 'uds-3' },
    { socket: {}, expected: 'unknown' },
    { socket: { remoteAddress: '' }, expected: 'unknown' },
  ];
  for (const c of cases) {
    test(`names ${JSON.stringify(c.socket)} "${c.expected}", as grpc-js does`, () => assert.equal(grpcPeerName(c.socket), c.expected));
  }
});

describe('ConnectionTable', () => {
  const peer: WorkloadPeer = { credentials: { pid: 1, uid: 2, gid: 3 }, isSameProcess: () => true };

  async function acceptedSockets(count: number): Promise<{ sockets: Socket[]; cleanup: () => Promise<void> }> {
    const dir = await mkdtemp(join(tmpdir(), 'signet-conn-'));
    const sockets: Socket[] = [];
    const clients: Socket[] = [];
    const server = createServer((s) => sockets.push(s));
    const path = join(dir, 's.sock');
    await new Promise<void>((resolve) => server.listen(path, resolve));
    for (let i = 0; i < count; i++) {
      const client = connect(path);
      clients.push(client);
      await once(client, 'connect');
    }
    while (sockets.length < count) await new Promise((resolve) => setImmediate(resolve));
    return {
      sockets,
      cleanup: async () => {
        clients.forEach((c) => c.destroy());
        sockets.forEach((s) => s.destroy());
        await new Promise((resolve) => server.close(resolve));
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  test('gives each Unix-socket connection its own peer name, which the socket then reports', async () => {
    const { sockets, cleanup } = await acceptedSockets(2);
    try {
      const table = new ConnectionTable();
      const [a, b] = sockets.map((s) => table.add(s, peer));
      assert.ok(a !== undefined && b !== undefined);
      assert.notEqual(a.name, b.name);
      assert.match(a.name, /^uds-\d+$/);
      assert.equal(grpcPeerName(sockets[0] as Socket), a.name);
      assert.equal(table.get(b.name)?.socket, sockets[1]);
      assert.equal(table.size, 2);
    } finally {
      await cleanup();
    }
  });

  test('forgets a connection once it closes', async () => {
    const { sockets, cleanup } = await acceptedSockets(1);
    try {
      const table = new ConnectionTable();
      const socket = sockets[0] as Socket;
      const { name } = table.add(socket, peer);
      socket.destroy();
      await once(socket, 'close');
      assert.equal(table.get(name), undefined);
      assert.equal(table.size, 0);
    } finally {
      await cleanup();
    }
  });
});
