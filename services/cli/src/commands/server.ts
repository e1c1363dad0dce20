import type { Command } from '../command.js';
import { loadSignetConfig, processFlags } from '../runtime/load-config.js';
import { startRuntime } from '../runtime/runtime.js';
import { startControlPlane } from '../runtime/control-plane.js';
import { processEndpoints, removeEndpointsFile, writeEndpointsFile } from '../runtime/endpoints-file.js';
import { signetVersion } from './version.js';

/**
 * `signet server`: runs Signet's control plane in one process, on the configured Postgres or
 * on embedded PGlite in the data directory. It opens and migrates the datastore, serves health
 * and metrics, writes `<data dir>/endpoints.json` once ready, and stops cleanly on SIGINT/SIGTERM.
 */
export const serverCommand: Command = {
  path: ['server'],
  summary: 'Run the Signet control plane (all services in one process)',
  description:
    'Opens the datastore (Postgres when database.url is set, otherwise embedded PGlite in the data directory),\n' +
    'applies migrations, and runs the CA, registrar and attestation services: the admin APIs on\n' +
    '<data dir>/admin.sock (gRPC) and <data dir>/admin-http.sock (REST), the agent endpoint on\n' +
    'server.host:server.port (TLS), health and metrics on the health server. Writes the bound addresses\n' +
    'to <data dir>/endpoints.json once ready. Stops on SIGINT or SIGTERM.',
  flags: processFlags,
  examples: ['signet server', 'signet server --config /etc/signet/signet.yaml', 'signet server --data-dir ./.signet --trust-domain example.org'],
  async run(ctx) {
    const loaded = loadSignetConfig(ctx.flags, ctx.env);
    const rt = await startRuntime({ loaded, version: signetVersion(), logDestination: ctx.stdout });
    let stopControlPlane: (() => Promise<void>) | undefined;
    try {
      const cp = await startControlPlane(rt);
      stopControlPlane = cp.close;
      const endpointsPath = await writeEndpointsFile(rt.dataDir, {
        ...processEndpoints(rt),
        database: { engine: rt.db.engine },
        ...cp.endpoints,
      });
      rt.logger.info({ endpoints: endpointsPath }, 'signet server ready');
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) return resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      rt.logger.info('signet server stopping');
    } finally {
      await removeEndpointsFile(rt.dataDir);
      await stopControlPlane?.();
      await rt.close();
    }
  },
};
