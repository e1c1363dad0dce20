/**
 * Listening on a host and port, as a promise.
 * @module
 */
import type { AddressInfo, Server } from 'node:net';

/** Listens with `server` on `host:port` (0 picks a free port); resolves with the bound address. */
export function listenOn(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
