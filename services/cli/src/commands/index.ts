import type { Command } from '../command.js';
import { adminCommands } from './admin/index.js';
import { configCheckCommand } from './config-check.js';
import { serverCommand } from './server.js';
import { versionCommand } from './version.js';
import { agentCommand } from './agent.js';
import { devCommand } from './dev.js';
import { attestationCommand, caCommand, registrarCommand } from './standalone.js';
import { fetchBundlesCommand, fetchJwtCommand, fetchX509Command, validateJwtCommand, watchCommand } from './workload/fetch.js';

/** Every command of the `signet` CLI. */
export const commands: readonly Command[] = [
  configCheckCommand,
  serverCommand,
  caCommand,
  attestationCommand,
  registrarCommand,
  agentCommand,
  devCommand,
  fetchX509Command,
  fetchJwtCommand,
  fetchBundlesCommand,
  validateJwtCommand,
  watchCommand,
  versionCommand,
  ...adminCommands,
];
