/**
 * `signet jwt mint`: a JWT-SVID for any SPIFFE ID of the trust domain, signed by the CA for an admin.
 * @module
 */
import { UsageError, type Command } from '../../command.js';
import { adminFlags, withAdmin } from '../../admin-client.js';
import { printData } from '../../output.js';
import { listFlag, parseSeconds, requiredFlag, stringFlag } from './flags.js';
import type { MintJwtSvidResponse__Output } from './wire.js';

/** `signet jwt mint`. */
export const jwtMintCommand: Command = {
  path: ['jwt', 'mint'],
  summary: 'Mint a JWT-SVID',
  description:
    'Prints the token alone on one line, so TOKEN=$(signet jwt mint ...) captures it.\n' +
    'With --output json: the signet.ca.v1.MintJwtSvidResponse message {"token", "expires_at", "key_id"}.',
  flags: {
    ...adminFlags,
    'spiffe-id': { type: 'string', value: 'ID', description: 'SPIFFE ID of the token (required)' },
    audience: { type: 'string', value: 'AUDIENCE', multiple: true, description: 'audience of the token (required)' },
    ttl: { type: 'string', value: 'DURATION', description: 'lifetime, e.g. 5m or 300 (default: the CA\'s)' },
  },
  printsData: true,
  examples: ['signet jwt mint --spiffe-id spiffe://example.org/ops --audience spiffe://example.org/db'],
  async run(ctx) {
    const spiffeId = requiredFlag(ctx, 'spiffe-id');
    const audience = listFlag(ctx, 'audience');
    if (audience.length === 0 || audience.some((a) => a === '')) throw new UsageError('--audience is required');
    const ttlText = stringFlag(ctx, 'ttl');
    const ttl = ttlText === undefined ? 0 : parseSeconds(ttlText, 'ttl');
    const res = await withAdmin(ctx, (admin) =>
      admin.call<MintJwtSvidResponse__Output>((o, cb) => admin.ca.MintJwtSvid({ spiffe_id: spiffeId, audience, ttl }, o, cb)),
    );
    printData(ctx.stdout, ctx.output, res, (r) => `${r.token}\n`);
  },
};
