/**
 * Listening on a Unix socket whose file permissions are the authentication: a stale socket file
 * is removed first, a live one is never stolen, and no connection is accepted before the file has
 * its mode.
 * @module
 */
import { chmod, lstat, unlink } from 'node:fs/promises';
import { connect, type Server, type Socket } from 'node:net';

/** The default mode of an admin socket: owner read/write only. */
export const ADMIN_SOCKET_MODE = 0o600;

/**
 * Makes `path` free for a new socket: nothing to do when it does not exist; removes it when it is
 * a socket nobody listens on (left by a crashed process). Throws when another process listens on
 * it, or when it is not a socket (a file we must not delete).
 */
export async function freeUnixSocketPath(path: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!stats.isSocket()) throw new Error(`unix socket ${path}: the path exists and is not a socket; refusing to replace it`);
  if (await isListening(path)) throw new Error(`unix socket ${path}: another process is listening on it`);
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

function isListening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe: Socket = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => {
      probe.destroy();
      resolve(false);
    });
  });
}

/**
 * Listens with `server` on the Unix socket `path` with file mode `mode`. Connections that arrive
 * before the mode is set are closed, so the socket is never usable with the umask's permissions.
 */
export async function listenUnixSocket(server: Server, path: string, mode: number): Promise<UnixSocketFile> {
  await freeUnixSocketPath(path);
  let ready = false;
  server.prependListener('connection', (socket: Socket) => {
    if (!ready) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
  await chmod(path, mode);
  const { ino } = await lstat(path);
  ready = true;
  return { path, ino };
}

/** A socket file this process created. */
export interface UnixSocketFile {
  readonly path: string;
  /** Its inode, to tell it from a socket another process created at the same path later. */
  readonly ino: number;
}

/**
 * Removes `file` if it is still the socket this process created. Node removes the file when the
 * server closes; this covers servers that were never closed cleanly, and never deletes a socket
 * a successor process has created at the same path since.
 */
export async function removeUnixSocket(file: UnixSocketFile): Promise<void> {
  try {
    const stats = await lstat(file.path);
    if (stats.isSocket() && stats.ino === file.ino) await unlink(file.path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
