/**
 * Running the agent inside a CLI process: on the process runtime's logger and telemetry, with
 * its readiness exposed through the health server and its fatal stop turned into a CommandError.
 */
import { startAgent, type AgentApp } from '@signet/agent';
import { CommandError } from '../command.js';
import type { BaseRuntime } from './runtime.js';

/** Options of {@link runAgent}. */
export interface RunAgentOptions {
  /** Overrides of the `agent` config section. */
  readonly overrides?: Partial<BaseRuntime['config']['agent']>;
  readonly bootstrapRoots?: readonly Uint8Array[];
}

/** Starts the agent on `rt` and registers its readiness check and its shutdown. */
export async function runAgent(rt: BaseRuntime, options: RunAgentOptions = {}): Promise<AgentApp> {
  const config = { ...rt.config.agent, ...options.overrides };
  let agent: AgentApp;
  try {
    agent = await startAgent({
      trustDomain: rt.config.trust_domain,
      dataDir: rt.dataDir,
      config,
      logger: rt.logger.child({ component: 'agent' }),
      meter: rt.telemetry.meter('agent'),
      tracer: rt.telemetry.tracer('agent'),
      ...(options.bootstrapRoots ? { bootstrapRoots: options.bootstrapRoots } : {}),
    });
  } catch (err) {
    if (err instanceof Error && err.name === 'AgentStoppedError') throw new CommandError(err.message);
    throw err;
  }
  rt.onClose('agent', () => agent.close());
  let synced = false;
  void agent.ready().then(() => (synced = true), () => {});
  rt.health.addCheck('agent', async () => {
    if (!synced) throw new Error(`the agent has not received its entries yet (control plane ${agent.connectionState()})`);
  });
  return agent;
}

/** Waits until `signal` aborts (resolves) or the agent must stop (throws a CommandError). */
export async function serveUntilStopped(agent: AgentApp, signal: AbortSignal): Promise<void> {
  await Promise.race([
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    }),
    agent.stopped.catch((err: Error) => {
      throw new CommandError(err.message);
    }),
  ]);
}
