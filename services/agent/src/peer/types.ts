/**
 * The process at the other end of a workload's Unix-socket connection, as the kernel reports it.
 * @module
 */

/** The kernel's peer credentials of a Unix-socket connection (SO_PEERCRED). */
export interface PeerCredentials {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/** The peer of one accepted workload connection. */
export interface WorkloadPeer {
  readonly credentials: PeerCredentials;
  /**
   * Whether the process that connected is still alive and is still the same process (not a new
   * one that reused its pid). Attestors gather selectors, then the caller checks this before
   * answering, so a pid reused in between cannot borrow an identity.
   */
  isSameProcess(): boolean;
}
