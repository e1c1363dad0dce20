/**
 * `signet token generate`: a single-use join token for an agent's first attestation.
 * @module
 */
import type { Command } from '../../command.js';
import { adminFlags, withAdmin } from '../../admin-client.js';
import { printData } from '../../output.js';
import { parseSeconds, stringFlag } from './flags.js';
import { formatExpiry, renderDetails } from './format.js';
import type { JoinToken__Output } from './wire.js';

/** `signet token generate`. */
export const tokenGenerateCommand: Command = {
  path: ['token', 'generate'],
  summary: 'Generate a join token for an agent',
  description:
    'The token is shown once (the server keeps only its hash) and is valid for one attestation until it expires.\n' +
    'The agent attesting with it gets --spiffe-id when given, else spiffe://<trust domain>/spire/agent/join_token/<hash>.\n' +
    'With --output json: the signet.registrar.v1.JoinToken message {"value", "expires_at", "agent_spiffe_id"}.',
  flags: {
    ...adminFlags,
    ttl: { type: 'string', value: 'DURATION', description: 'how long the token is valid, e.g. 10m or 600 (default: the server\'s, 10m)' },
    'spiffe-id': { type: 'string', value: 'ID', description: 'SPIFFE ID (under /spire/agent/) of the agent that attests with the token' },
  },
  printsData: true,
  examples: ['signet token generate', 'signet token generate --ttl 1h --spiffe-id spiffe://example.org/spire/agent/edge-1'],
  async run(ctx) {
    const ttlText = stringFlag(ctx, 'ttl');
    const ttl = ttlText === undefined ? 0 : parseSeconds(ttlText, 'ttl');
    const agentId = stringFlag(ctx, 'spiffe-id') ?? '';
    const token = await withAdmin(ctx, (admin) =>
      admin.call<JoinToken__Output>((o, cb) => admin.registrar.CreateJoinToken({ ttl, agent_spiffe_id: agentId }, o, cb)),
    );
    printData(ctx.stdout, ctx.output, token, (t) =>
      renderDetails([
        ['Token', t.value],
        ['Expires', formatExpiry(t.expires_at)],
        ...(t.agent_spiffe_id ? [['Agent SPIFFE ID', t.agent_spiffe_id] as const] : []),
      ]),
    );
  },
};
