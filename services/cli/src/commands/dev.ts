import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentSvidStore } from '@signet/agent';
import { createGrpcClient, signetProtos, unaryCall } from '@signet/platform';
import { SpiffeBundle, TrustDomain } from '@signet/spiffe';
import type { Command } from '../command.js';
import { loadSignetConfig, processFlags } from '../runtime/load-config.js';
import { startRuntime } from '../runtime/runtime.js';
import { startControlPlane } from '../runtime/control-plane.js';
import { processEndpoints, removeEndpointsFile, writeEndpointsFile } from '../runtime/endpoints-file.js';
import { runAgent, serveUntilStopped } from '../runtime/agent-process.js';
import { signetVersion } from './version.js';

/** The path of the dev agent's ID inside the trust domain. */
const DEV_AGENT_PATH = '/spire/agent/dev';

/**
 * `signet dev`: everything on one machine for trying Signet out: the control plane on embedded
 * PGlite (or the configured Postgres) and one agent, attested with a join token created here,
 * serving the Workload API and SDS on `<data dir>/agent.sock`. Writes a ready-to-use Envoy
 * bootstrap to `<data dir>/envoy/envoy.yaml` and prints how to register the current user.
 */
export const devCommand: Command = {
  path: ['dev'],
  summary: 'Run the control plane and one agent on this machine (quickstart)',
  description:
    'Starts the control plane (as `signet server`) and an agent attested with a join token created on the spot, in\n' +
    'one process. The agent serves the SPIFFE Workload API and Envoy SDS on <data dir>/agent.sock; the admin\n' +
    'API is on <data dir>/admin.sock. Once all is ready, <data dir>/endpoints.json lists every address and an\n' +
    'Envoy bootstrap that takes its certificates from Signet over SDS is written to <data dir>/envoy/envoy.yaml.\n' +
    'A restart reuses the agent SVID stored in the data directory.',
  flags: processFlags,
  examples: ['signet dev', 'signet dev --data-dir /tmp/signet --trust-domain example.org'],
  async run(ctx) {
    const loaded = loadSignetConfig(ctx.flags, ctx.env);
    const rt = await startRuntime({ loaded, service: 'dev', version: signetVersion(), logDestination: ctx.stdout });
    try {
      const cp = await startControlPlane(rt);
      rt.onClose('control-plane', () => cp.close());
      const td = TrustDomain.parse(rt.config.trust_domain);
      const agentId = `spiffe://${td.name}${DEV_AGENT_PATH}`;
      const registrar = createGrpcClient(signetProtos().registrar, `unix://${cp.endpoints.admin_socket}`);
      let joinToken: string | undefined;
      let roots: Uint8Array[];
      try {
        const doc = await unaryCall<{ spiffe_json: string }>((cb) => registrar.GetLocalBundle({}, cb));
        roots = SpiffeBundle.parse(td, doc.spiffe_json).x509Authorities().map((d) => new Uint8Array(d));
        const stored = await new AgentSvidStore(rt.dataDir).load();
        const usable = stored !== undefined && stored.svid.id.toString() === agentId && stored.svid.leaf.notAfter.getTime() > Date.now() + 60_000;
        if (!usable) {
          // A dev agent whose SVID expired while Signet was stopped: evict it so it may attest again.
          await unaryCall((cb) => registrar.EvictAgent({ spiffe_id: agentId }, cb)).catch(() => undefined);
          const token = await unaryCall<{ value: string }>((cb) => registrar.CreateJoinToken({ ttl: 600, agent_spiffe_id: agentId }, cb));
          joinToken = token.value;
        }
      } finally {
        registrar.close();
      }
      const agent = await runAgent(rt, {
        overrides: { server_address: cp.endpoints.agent_endpoint, node_attestor: 'join_token', ...(joinToken ? { join_token: joinToken } : {}) },
        bootstrapRoots: roots,
      });
      await Promise.race([agent.ready(), serveUntilStopped(agent, ctx.signal)]);
      if (ctx.signal.aborted) return;
      const envoyBootstrap = await writeEnvoyBootstrap(rt.dataDir, agent.socketPath, td.name);
      await writeEndpointsFile(rt.dataDir, {
        ...processEndpoints(rt),
        database: { engine: rt.db.engine },
        ...cp.endpoints,
        agent_socket: agent.socketPath,
        agent_spiffe_id: agent.spiffeId,
        envoy_bootstrap: envoyBootstrap,
      });
      const uid = process.getuid?.() ?? 1000;
      const dataFlag = `--data-dir ${rt.dataDir}`;
      ctx.stderr.write(
        [
          '',
          `Signet is running (trust domain ${td.name}).`,
          `  Workload API and SDS socket: ${agent.socketPath}`,
          `  Admin socket:                ${cp.endpoints.admin_socket}`,
          '',
          'Give the processes of the current user an identity:',
          `  signet entry create ${dataFlag} --spiffe-id spiffe://${td.name}/dev/uid-${uid} --parent-id ${agentId} --selector unix:uid:${uid}`,
          'Then fetch it:',
          `  signet fetch x509 --socket ${agent.socketPath}`,
          `Envoy bootstrap (certificates and validation context over SDS): ${envoyBootstrap}`,
          '',
        ].join('\n'),
      );
      rt.logger.info({ socket: agent.socketPath, envoy_bootstrap: envoyBootstrap }, 'signet dev ready');
      await serveUntilStopped(agent, ctx.signal);
    } finally {
      await removeEndpointsFile(rt.dataDir);
      await rt.close();
    }
  },
};

/** The Envoy bootstrap template shipped in deploy/envoy/ (resolved from this package's location). */
function envoyTemplatePath(): string {
  return resolve(fileURLToPath(new URL('../../../../deploy/envoy/envoy.yaml', import.meta.url)));
}

/** Writes `<data dir>/envoy/envoy.yaml` from the template, pointed at this agent's socket. */
async function writeEnvoyBootstrap(dataDir: string, socketPath: string, trustDomain: string): Promise<string> {
  const template = await readFile(envoyTemplatePath(), 'utf8');
  const dir = join(dataDir, 'envoy');
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'envoy.yaml');
  await writeFile(
    path,
    template
      .replaceAll('/run/signet/agent.sock', socketPath)
      .replaceAll('example.org', trustDomain),
  );
  return path;
}
