/**
 * Entry point of the `signet` CLI: the list of commands and the dispatcher.
 * @module
 */
import { dispatch, type CliIo } from './dispatch.js';
import { commands } from './commands/index.js';

/** Runs `signet` with `argv` (without the node and script paths) and resolves to the exit code. */
export function main(argv: readonly string[], io: CliIo): Promise<number> {
  return dispatch(commands, argv, io);
}
