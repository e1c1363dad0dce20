/**
 * The open connections of the workload endpoint, by the name grpc-js gives their calls' peer.
 *
 * grpc-js names a call's peer (`call.getPeer()`) after `remoteAddress`/`remotePort` of the
 * connection's socket, which a Unix socket does not have (every call would be `unknown`). So each
 * accepted socket gets a unique synthetic `remoteAddress` before it is handed to grpc-js, and
 * calls are mapped back to their connection through it.
 * @module
 */
import type { Socket } from 'node:net';
import type { WorkloadPeer } from '../peer/types.js';

/** One open connection. */
export interface Connection {
  /** The synthetic peer name its calls report (`uds-<n>`). */
  readonly name: string;
  readonly socket: Socket;
  readonly peer: WorkloadPeer;
}

/** How grpc-js's `getPeer()` names a socket's peer (server-interceptors.js). */
export function grpcPeerName(socket: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined }): string {
  if (!socket.remoteAddress) return 'unknown';
  return socket.remotePort ? `${socket.remoteAddress}:${socket.remotePort}` : socket.remoteAddress;
}

/** The open connections of one endpoint. */
export class ConnectionTable {
  readonly #byName = new Map<string, Connection>();
  #next = 0;

  /**
   * Names `socket` (an own `remoteAddress` of `uds-<n>`, no port) and keeps it, with its peer,
   * until it closes. Call before handing the socket to grpc-js. Returns the connection.
   */
  add(socket: Socket, peer: WorkloadPeer): Connection {
    const address = `uds-${++this.#next}`;
    Object.defineProperty(socket, 'remoteAddress', { value: address, configurable: true, enumerable: false, writable: false });
    Object.defineProperty(socket, 'remotePort', { value: undefined, configurable: true, enumerable: false, writable: false });
    const name = grpcPeerName(socket);
    const connection: Connection = { name, socket, peer };
    this.#byName.set(name, connection);
    socket.once('close', () => {
      if (this.#byName.get(name) === connection) this.#byName.delete(name);
    });
    return connection;
  }

  /** The open connection whose calls report `peerName`, if any. */
  get(peerName: string): Connection | undefined {
    return this.#byName.get(peerName);
  }

  /** How many connections are open. */
  get size(): number {
    return this.#byName.size;
  }

  /** Destroys every open connection. */
  destroyAll(): void {
    for (const { socket } of [...this.#byName.values()]) socket.destroy();
  }
}
