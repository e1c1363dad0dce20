/**
 * The file descriptor behind an accepted Unix-socket connection.
 * @module
 */
import type { Socket } from 'node:net';

/**
 * The kernel file descriptor of `socket`, an accepted connection of a `net.Server` listening on a
 * Unix socket (its handle is a libuv Pipe, whose `fd` Node exposes). Throws when the socket has no
 * usable descriptor (closed, or not a pipe).
 */
export function socketFd(socket: Socket): number {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  const fd = handle?.fd;
  if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) {
    throw new Error(`the connection has no file descriptor (${socket.destroyed ? 'it is closed' : 'not a Unix-socket connection'})`);
  }
  return fd;
}
