/**
 * The {@link WorkloadPeer} of an accepted Unix-socket connection: the kernel's credentials of the
 * process that connected, and a way to tell later whether that process is still the one there.
 * @module
 */
import type { Socket } from 'node:net';
import { peerCredAddon, type PeerCredAddon } from './native.js';
import { readProcStartTime } from './proc-stat.js';
import { socketFd } from './socket-fd.js';
import type { PeerCredentials, WorkloadPeer } from './types.js';

/** Options of {@link peerOf}. */
export interface PeerOfOptions {
  /** Where procfs is mounted (default `/proc`). */
  readonly procRoot?: string;
  /** The native calls (default: the built addon); tests replace single functions. */
  readonly addon?: PeerCredAddon;
}

/** How a connection's process is pinned for {@link WorkloadPeer.isSameProcess}. */
export type PidfdSource = 'so_peerpidfd' | 'pidfd_open' | 'none';

/** A {@link WorkloadPeer} that also says how it pins its process. */
export interface SocketPeer extends WorkloadPeer {
  /**
   * `so_peerpidfd`: a pidfd of the exact process that connected (Linux ≥ 6.5). `pidfd_open`: a
   * pidfd of the process that had the pid at accept time. `none`: the process was already gone.
   */
  readonly pidfdSource: PidfdSource;
  /** The process's start time at accept (clock ticks since boot), if it could be read. */
  readonly startTime: string | undefined;
}

/**
 * The peer of `socket`, a connection just accepted on a Unix socket. Reads the kernel's peer
 * credentials, pins the process with a pidfd (SO_PEERPIDFD, which names the very process that
 * connected; else pidfd_open(pid) at once) and its start time. The pidfd is closed when the
 * socket closes; from then on `isSameProcess()` is false. Throws when the socket has no
 * descriptor or the kernel refuses its credentials.
 */
export function peerOf(socket: Socket, options: PeerOfOptions = {}): SocketPeer {
  const addon = options.addon ?? peerCredAddon();
  const procRoot = options.procRoot ?? '/proc';
  const fd = socketFd(socket);
  const raw = addon.peerCredentials(fd);
  const credentials: PeerCredentials = Object.freeze({ pid: raw.pid, uid: raw.uid, gid: raw.gid });

  let pidfdSource: PidfdSource = 'none';
  let pidfd = peerPidfd(addon, fd);
  if (pidfd >= 0) pidfdSource = 'so_peerpidfd';
  else if (pidfd === UNSUPPORTED && credentials.pid > 0) {
    pidfd = addon.pidfdOpen(credentials.pid);
    if (pidfd >= 0) pidfdSource = 'pidfd_open';
  }
  /** Closes the pidfd once; the number may be reused by another descriptor after. */
  const release = (): void => {
    if (pidfd < 0) return;
    const fdToClose = pidfd;
    pidfd = -1;
    addon.closeFd(fdToClose);
  };
  let startTime: string | undefined;
  try {
    startTime = pidfd >= 0 ? readProcStartTime(credentials.pid, procRoot) : undefined;
  } catch (err) {
    release();
    throw err;
  }

  if (socket.destroyed) release();
  else socket.once('close', release);

  return {
    credentials,
    pidfdSource,
    startTime,
    isSameProcess(): boolean {
      if (pidfd < 0 || startTime === undefined) return false;
      if (!addon.pidfdAlive(pidfd)) return false;
      return readProcStartTime(credentials.pid, procRoot) === startTime;
    },
  };
}

/** {@link peerPidfd}'s answer when the kernel has no SO_PEERPIDFD. */
const UNSUPPORTED = -1;
/** {@link peerPidfd}'s answer when the peer process is already gone. */
const GONE = -2;

function peerPidfd(addon: PeerCredAddon, fd: number): number {
  try {
    return addon.peerPidfd(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return GONE;
    throw err;
  }
}
