import { registerSecret } from '@signet/platform';
import type { Command } from '../command.js';
import { loadSignetConfig, processFlags } from '../runtime/load-config.js';
import { startBaseRuntime } from '../runtime/runtime.js';
import { processEndpoints, removeEndpointsFile, writeEndpointsFile } from '../runtime/endpoints-file.js';
import { runAgent, serveUntilStopped } from '../runtime/agent-process.js';
import { signetVersion } from './version.js';

/**
 * `signet agent`: the node agent. Attests the node (or reuses the SVID stored in the data
 * directory), follows the node's entries, and serves the SPIFFE Workload API and Envoy SDS on
 * `<data dir>/agent.sock` (or agent.socket_path).
 */
export const agentCommand: Command = {
  path: ['agent'],
  summary: 'Run the node agent: Workload API and Envoy SDS on a Unix socket',
  description:
    'Attests this node to the control plane at agent.server_address (join token, x509pop or k8s_psat), or reuses\n' +
    'the agent SVID stored in <data dir>/agent/, then serves the SPIFFE Workload API and Envoy SDS v3 on\n' +
    '<data dir>/agent.sock. Workloads are identified by the kernel credentials of their connection. The first\n' +
    'start needs the server bundle (agent.trust_bundle_path or --trust-bundle) to authenticate the server.\n' +
    'Writes <data dir>/endpoints.json once the first entries arrived. Stops on SIGINT or SIGTERM.',
  flags: {
    ...processFlags,
    'join-token': { type: 'string', value: 'TOKEN', description: 'join token (overrides agent.join_token; also SIGNET_AGENT_JOIN_TOKEN)' },
    'server-address': { type: 'string', value: 'HOST:PORT', description: 'the control plane agent endpoint (overrides agent.server_address)' },
    'trust-bundle': { type: 'string', value: 'FILE', description: 'server bundle, PEM or SPIFFE JSON (overrides agent.trust_bundle_path)' },
    socket: { type: 'string', value: 'PATH', description: 'Workload API / SDS socket (overrides agent.socket_path)' },
  },
  examples: [
    'signet agent --trust-domain example.org --server-address 10.0.0.5:8081 --trust-bundle bundle.pem --join-token $TOKEN',
    'signet agent --config /etc/signet/agent.yaml',
  ],
  async run(ctx) {
    const loaded = loadSignetConfig(ctx.flags, ctx.env);
    const overrides: Record<string, string> = {};
    for (const [flag, key] of [
      ['join-token', 'join_token'],
      ['server-address', 'server_address'],
      ['trust-bundle', 'trust_bundle_path'],
      ['socket', 'socket_path'],
    ] as const) {
      const v = ctx.flags[flag];
      if (typeof v === 'string' && v !== '') overrides[key] = v;
    }
    if (overrides.join_token) registerSecret(overrides.join_token);
    const rt = await startBaseRuntime({ loaded, service: 'agent', version: signetVersion(), logDestination: ctx.stdout });
    try {
      const agent = await runAgent(rt, { overrides });
      await Promise.race([agent.ready(), serveUntilStopped(agent, ctx.signal)]);
      if (!ctx.signal.aborted) {
        await writeEndpointsFile(rt.dataDir, {
          ...processEndpoints(rt),
          agent_socket: agent.socketPath,
          agent_spiffe_id: agent.spiffeId,
        });
        rt.logger.info({ socket: agent.socketPath }, 'signet agent ready');
      }
      await serveUntilStopped(agent, ctx.signal);
    } finally {
      await removeEndpointsFile(rt.dataDir);
      await rt.close();
    }
  },
};
