/**
 * Example: parsing SPIFFE IDs and authorizing peers by ID.
 *
 * Run it: `node test/dist/examples/ids.js`
 */
import { pathToFileURL } from 'node:url';
import { SpiffeError, SpiffeId, TrustDomain, matchMemberOf, matchOneOf, type Matcher } from '@signet/spiffe';

/** Parses, builds and matches a few IDs; returns what it saw, one fact a line. */
export async function main(): Promise<string> {
  const out: string[] = [];

  // Parse an ID and read its parts.
  const web = SpiffeId.parse('spiffe://example.org/ns/prod/sa/web');
  out.push(`${web}: trust domain ${web.trustDomain.name}, path ${web.path}, segments [${web.segments.join(', ')}]`);

  // Build IDs from a trust domain instead of concatenating strings: each part is validated.
  const td = TrustDomain.parse('example.org');
  const db = SpiffeId.fromSegments(td, 'ns', 'prod', 'sa', 'db');
  out.push(`built ${db}, then ${db.appendPath('/replica/2')}`);
  out.push(`${td.idString()} is the ID of the trust domain itself: ${SpiffeId.parse(td.idString()).isTrustDomainId()}`);

  // Authorization rules are plain functions of the peer's ID.
  const rules: [string, Matcher][] = [
    ['member of example.org', matchMemberOf(td)],
    ['web or api', matchOneOf(web, SpiffeId.fromSegments(td, 'ns', 'prod', 'sa', 'api'))],
  ];
  for (const peer of ['spiffe://example.org/ns/prod/sa/web', 'spiffe://example.org/ns/prod/sa/db', 'spiffe://partner.example/ns/prod/sa/web']) {
    const id = SpiffeId.parse(peer);
    const verdicts = rules.map(([name, allows]) => `${name}: ${allows(id) ? 'yes' : 'no'}`);
    out.push(`${peer} -> ${verdicts.join('; ')}`);
  }

  // Bad input throws a SpiffeError whose code is stable and whose message names the rule broken.
  for (const bad of ['spiffe://Example.org/web', 'spiffe://example.org/a/../b', 'https://example.org/web', 'spiffe://example.org/web/']) {
    try {
      SpiffeId.parse(bad);
      out.push(`${bad} -> accepted`);
    } catch (err) {
      if (!(err instanceof SpiffeError)) throw err;
      out.push(`${bad} -> ${err.code}: ${err.message}`);
    }
  }
  // tryParse returns undefined instead of throwing.
  out.push(`tryParse("spiffe://example.org/a%20b") -> ${String(SpiffeId.tryParse('spiffe://example.org/a%20b'))}`);
  return out.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await main());
