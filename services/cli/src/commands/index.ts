import type { Command } from '../command.js';
import { adminCommands } from './admin/index.js';
import { configCheckCommand } from './config-check.js';
import { serverCommand } from './server.js';
import { versionCommand } from './version.js';

/** Every command of the `signet` CLI. */
export const commands: readonly Command[] = [configCheckCommand, serverCommand, versionCommand, ...adminCommands];
