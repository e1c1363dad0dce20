import type { Command } from '../command.js';
import { loadSignetConfig, processFlags } from '../runtime/load-config.js';
import { startRuntime, type Runtime } from '../runtime/runtime.js';
import { processEndpoints, removeEndpointsFile, writeEndpointsFile } from '../runtime/endpoints-file.js';
import { startAttestationProcess, startCaProcess, startRegistrarProcess, type StandaloneService } from '../runtime/standalone.js';
import { signetVersion } from './version.js';

/** One control-plane service run alone; the same lifecycle as `signet server`. */
function standaloneCommand(name: string, summary: string, description: string, start: (rt: Runtime) => Promise<StandaloneService>): Command {
  return {
    path: [name],
    summary,
    description:
      `${description}\n` +
      'Several replicas may share one Postgres (database.url); each writes its bound addresses to\n' +
      '<data dir>/endpoints.json once ready. Stops on SIGINT or SIGTERM.',
    flags: processFlags,
    examples: [`signet ${name} --config /etc/signet/signet.yaml`],
    async run(ctx) {
      const loaded = loadSignetConfig(ctx.flags, ctx.env);
      const rt = await startRuntime({ loaded, service: name, version: signetVersion(), logDestination: ctx.stdout });
      try {
        const svc = await start(rt);
        rt.onClose(name, () => svc.close());
        await writeEndpointsFile(rt.dataDir, {
          ...processEndpoints(rt),
          database: { engine: rt.db.engine },
          service: name,
          ...svc.endpoints,
        });
        rt.logger.info(svc.endpoints, `signet ${name} ready`);
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) return resolve();
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        await removeEndpointsFile(rt.dataDir);
        await rt.close();
      }
    },
  };
}

export const caCommand = standaloneCommand(
  'ca',
  'Run the CA service alone (signing authorities, SVID signing, the trust bundle)',
  'Holds the signing keys and rotates them (one replica at a time), serves the CA API over TLS on\n' +
    'server.host:server.port (agents, other Signet processes, admin SVIDs) and on <data dir>/admin.sock, and\n' +
    'signs the server SVIDs that standalone attestation and registrar processes request through the datastore.',
  startCaProcess,
);

export const attestationCommand = standaloneCommand(
  'attestation',
  'Run the attestation service alone (node attestation, the agents\' push stream)',
  'Serves node attestation, agent SVID renewal and the authorized-entries push stream over TLS on\n' +
    'server.host:server.port; agent SVIDs are signed by the CA at server.ca_address over mTLS.',
  startAttestationProcess,
);

export const registrarCommand = standaloneCommand(
  'registrar',
  'Run the registrar service alone (the admin API)',
  'Serves the admin API (entries, join tokens, agents, bundles) on <data dir>/admin.sock (gRPC),\n' +
    '<data dir>/admin-http.sock (REST) and over TLS on server.host:server.port for admin X.509-SVIDs.',
  startRegistrarProcess,
);
