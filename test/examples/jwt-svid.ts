/**
 * Example: an issuer mints a JWT-SVID and publishes its JWT authorities as a JWKS; a relying party
 * validates the token against them, and rejects tokens for another audience, expired tokens and
 * tokens signed by a key it does not know.
 *
 * Run it: `node test/dist/examples/jwt-svid.js`
 */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { JwtBundle, SpiffeError, SpiffeId, TrustDomain, mintJwtSvid, parseAndValidateJwtSvid, parseInsecureJwtSvid } from '@signet/spiffe';

const newKeyPair = () => promisify(generateKeyPair)('ec', { namedCurve: 'P-256' });

/** Mints and validates tokens at time `now`; returns what happened, one fact a line. */
export async function main(now: Date = new Date()): Promise<string> {
  const out: string[] = [];
  const td = TrustDomain.parse('example.org');
  const reports = 'spiffe://example.org/ns/prod/sa/reports';

  // The issuer: one signing key, published under its key ID in the trust domain's JWT bundle.
  const authority = await newKeyPair();
  const kid = 'authority-1';
  const published = JwtBundle.fromKeys(td, [[kid, authority.publicKey]]).toJwks();

  // A workload asks for a token to call the reports service.
  const token = mintJwtSvid({
    id: SpiffeId.parse('spiffe://example.org/ns/prod/sa/web'),
    audience: reports,
    key: authority.privateKey,
    kid,
    now,
    ttlSeconds: 300,
  });
  const shown = parseInsecureJwtSvid(token); // for display only: nothing is verified
  out.push(`token header ${JSON.stringify(shown.header)}, for ${shown.audience.join(', ')}`);

  // The reports service: knows the JWKS of example.org and identifies itself as `reports`.
  const bundle = JwtBundle.parseJwks(td, published);
  const svid = parseAndValidateJwtSvid(token, bundle, { audience: reports, now });
  out.push(`validated: ${svid.id} until ${svid.expiresAt.toISOString()}`);

  // Every rejection is a SpiffeError with a stable code.
  out.push(`for another audience: ${failure(() => parseAndValidateJwtSvid(token, bundle, { audience: 'spiffe://example.org/ns/prod/sa/billing', now }))}`);
  // Six minutes later the five-minute token has expired, unless the validator allows for clock skew.
  const later = new Date(now.getTime() + 6 * 60_000);
  out.push(`six minutes later: ${failure(() => parseAndValidateJwtSvid(token, bundle, { audience: reports, now: later }))}`);
  out.push(`six minutes later, 120 s of clock skew allowed: ${failure(() => parseAndValidateJwtSvid(token, bundle, { audience: reports, now: later, clockSkewSeconds: 120 }))}`);
  const impostor = await newKeyPair();
  const forged = mintJwtSvid({ id: svid.id, audience: reports, key: impostor.privateKey, kid, now, ttlSeconds: 300 });
  out.push(`signed by an unknown key under the same kid: ${failure(() => parseAndValidateJwtSvid(forged, bundle, { audience: reports, now }))}`);
  const partner = mintJwtSvid({ id: SpiffeId.parse('spiffe://partner.example/app'), audience: reports, key: authority.privateKey, kid, now, ttlSeconds: 300 });
  out.push(`issued to another trust domain: ${failure(() => parseAndValidateJwtSvid(partner, bundle, { audience: reports, now }))}`);
  return out.join('\n');
}

/** Runs `fn`, which should fail with a SpiffeError, and describes the outcome by its code. */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SpiffeError) return `rejected, ${err.code}`;
    throw err;
  }
  return 'accepted';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await main());
