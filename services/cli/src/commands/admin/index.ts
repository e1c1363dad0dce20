/**
 * The admin commands of `signet`, after spire-server's: entries, join tokens, agents, bundles,
 * CA authorities, minting SVIDs and the health check. They talk gRPC to a running server's admin
 * socket (`<data dir>/admin.sock`, or `--socket`).
 *
 * Output is a table (or a detail block, or the document itself for bundles and tokens) by
 * default; `--output json` prints the API's response message as a plain object with the proto
 * field names, 64-bit integers as decimal strings, certificates and public keys as PEM and other
 * bytes as base64 (see `format.ts`). Exit codes: 0 success, 1 failure (one line naming the field
 * and the status, e.g. `entries[0].selectors: at least one selector is required
 * (InvalidArgument)`), 2 usage error.
 * @module
 */
import type { Command } from '../../command.js';
import { agentBanCommand, agentEvictCommand, agentListCommand, agentShowCommand, agentUnbanCommand } from './agent.js';
import { authorityCommands } from './authority.js';
import { bundleDeleteCommand, bundleListCommand, bundleSetCommand, bundleShowCommand } from './bundle.js';
import { entryListCommand, entryShowCommand } from './entry-read.js';
import { entryCreateCommand, entryDeleteCommand, entryUpdateCommand } from './entry-write.js';
import { federationCommands } from './federation.js';
import { healthcheckCommand } from './healthcheck.js';
import { jwtMintCommand } from './jwt.js';
import { tokenGenerateCommand } from './token.js';
import { x509MintCommand } from './x509.js';

/** Every admin command. */
export const adminCommands: readonly Command[] = [
  entryCreateCommand,
  entryUpdateCommand,
  entryDeleteCommand,
  entryShowCommand,
  entryListCommand,
  tokenGenerateCommand,
  agentListCommand,
  agentShowCommand,
  agentEvictCommand,
  agentBanCommand,
  agentUnbanCommand,
  bundleShowCommand,
  bundleListCommand,
  bundleSetCommand,
  bundleDeleteCommand,
  ...federationCommands,
  ...authorityCommands,
  x509MintCommand,
  jwtMintCommand,
  healthcheckCommand,
];
