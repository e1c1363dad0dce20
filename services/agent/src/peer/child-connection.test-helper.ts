/**
 * Test helper: a child process that connects to a Unix socket and stays connected until told to
 * exit, so a test can look at the peer of a connection from another process.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** A child process connected to a Unix socket. */
export interface ConnectedChild {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Makes the child exit and waits until it has been reaped. */
  exit(): Promise<void>;
}

/** Spawns a Node child that connects to `path` and resolves once it is connected. */
export async function spawnConnectedChild(path: string): Promise<ConnectedChild> {
  const script = `
    const socket = require('node:net').connect(${JSON.stringify(path)}, () => process.stdout.write('connected\\n'));
    socket.on('error', (err) => { console.error(err.message); process.exit(2); });
    process.stdin.on('data', () => process.exit(0));
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before connecting`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('connected')) resolve();
    });
  });
  if (child.pid === undefined) throw new Error('the child has no pid');
  return {
    process: child,
    pid: child.pid,
    async exit() {
      if (child.exitCode === null && child.signalCode === null) child.stdin?.write('exit\n');
      await exited;
    },
  };
}
