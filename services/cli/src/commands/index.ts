import type { Command } from '../command.js';
import { versionCommand } from './version.js';

/** Every command of the `signet` CLI. */
export const commands: readonly Command[] = [versionCommand];
