/**
 * What the gRPC server needs from each of its listeners. Every listener accepts connections on
 * its own socket server, decides who the peer is, and hands the connection to a grpc-js
 * `Server` of its own (through `createConnectionInjector`), whose handlers know the listener.
 * @module
 */
import type { Deadline, Metadata } from '@grpc/grpc-js';
import type { ResolvedCaller } from './invoke.js';

/** The part of a grpc-js server call (of any kind) the transport uses; grpc-js does not export its own type. */
export interface ServerSurfaceCall {
  readonly cancelled: boolean;
  readonly metadata: Metadata;
  getPeer(): string;
  getDeadline(): Deadline;
  on(event: 'cancelled', listener: () => void): unknown;
  off(event: 'cancelled', listener: () => void): unknown;
}

/** Where a listener listens. */
export type ListenAddress =
  | { readonly kind: 'unix'; readonly path: string; readonly admin: boolean }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** One listening socket of a server. */
export interface Listener {
  readonly address: ListenAddress;
  /** The caller of a call that arrived on this listener. Never throws. */
  resolveCaller(call: ServerSurfaceCall): ResolvedCaller;
  /**
   * Stops accepting connections at once (open ones stay). The promise settles once every
   * connection of the listener has closed too.
   */
  stopAccepting(): Promise<void>;
  /** Destroys connections not yet handed to gRPC (still in their TLS handshake). */
  destroyPending(): void;
  /** Removes what the listener left behind (a Unix socket file). */
  cleanup(): Promise<void>;
}

/** Closes a `net.Server`, resolving even when it was not listening. */
export function closeNetServer(server: { close(cb: (err?: Error) => void): unknown }): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
  });
}
