/**
 * Example: writing and reading a SPIFFE bundle document (the JWK Set a trust domain publishes to
 * its federation partners), with a sequence number above 2^53 that plain `JSON.parse` would round,
 * elements the spec says to skip, and a rotation that bumps the sequence number.
 *
 * Run it: `node test/dist/examples/bundle-document.js`
 */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { JwtBundle, SpiffeBundle, SpiffeError, TrustDomain, X509Bundle, createSelfSignedCa, type IgnoredBundleKey } from '@signet/spiffe';

const newKeyPair = () => promisify(generateKeyPair)('ec', { namedCurve: 'P-256' });

/** 2^54 + 1: a sequence number a double cannot hold. */
const SEQUENCE = 2n ** 54n + 1n;

/** Publishes, reads and rotates a bundle; returns what happened, one fact a line. */
export async function main(now: Date = new Date()): Promise<string> {
  const out: string[] = [];
  const td = TrustDomain.parse('example.org');

  // The publisher: one root CA certificate, one JWT authority, a sequence number and a refresh hint.
  const root = await newKeyPair();
  const rootCert = createSelfSignedCa({ trustDomain: td, privateKey: root.privateKey, now });
  const jwtKey = await newKeyPair();
  const bundle = SpiffeBundle.fromX509AndJwt(
    X509Bundle.fromAuthorities(td, [rootCert]),
    JwtBundle.fromKeys(td, [['jwt-1', jwtKey.publicKey]]),
    { sequenceNumber: SEQUENCE, refreshHint: 300 },
  );
  const document = bundle.toJson();
  const naive = (JSON.parse(document) as { spiffe_sequence: number }).spiffe_sequence;
  out.push(`published sequence ${SEQUENCE} as exact digits: ${document.includes(`"spiffe_sequence":${SEQUENCE},`)} (JSON.parse reads ${naive})`);
  const uses = (JSON.parse(document) as { keys: { use: string }[] }).keys.map((k) => k.use);
  out.push(`published keys: ${uses.join(', ')}`);

  // A federation partner reads it back: exactly the same bundle.
  const read = SpiffeBundle.parse(td, document);
  out.push(
    `read sequence ${read.sequenceNumber}, refresh hint ${read.refreshHint} s, ${read.x509Authorities().length} X.509 and ` +
      `${read.jwtBundle().size} JWT authorities; equal to the original: ${read.equals(bundle)}`,
  );

  // Another implementation's document with elements to skip: an unknown use, and an x509-svid key
  // without its certificate. They are reported, not fatal; the rest of the document is used.
  const jwk = (JSON.parse(bundle.jwtBundle().toJwks()) as { keys: Record<string, unknown>[] }).keys[0]!;
  const extra = [
    { ...jwk, use: 'enc' },
    { ...jwk, kid: undefined, use: 'x509-svid' },
  ];
  const foreign = document.replace('"keys":[', `"keys":[${extra.map((e) => JSON.stringify(e)).join(',')},`);
  const ignored: IgnoredBundleKey[] = [];
  const lenient = SpiffeBundle.parse(td, foreign, { onIgnoredKey: (k) => ignored.push(k) });
  for (const k of ignored) out.push(`skipped keys[${k.index}] (${k.kind}, use ${k.use}): ${k.reason}`);
  out.push(`still read ${lenient.x509Authorities().length} X.509 and ${lenient.jwtBundle().size} JWT authorities`);

  // Rotation: a new JWT authority joins; the next document carries the next sequence number.
  const nextKey = await newKeyPair();
  const rotated = bundle.withJwtBundle(bundle.jwtBundle().withKey('jwt-2', nextKey.publicKey)).withSequenceNumber(bundle.sequenceNumber! + 1n);
  const reread = SpiffeBundle.parse(td, rotated.toJson());
  out.push(`rotated: sequence ${reread.sequenceNumber}, JWT authorities ${[...reread.jwtAuthorities().keys()].join(', ')}`);

  // Documents that are refused as a whole.
  for (const [what, text] of [
    ['a repeated member name', '{"keys":[],"keys":[]}'],
    ['a sequence number beyond 64 bits', `{"spiffe_sequence":${2n ** 64n},"keys":[]}`],
    ['no keys member', '{"spiffe_sequence":1}'],
  ] as const) {
    try {
      SpiffeBundle.parse(td, text);
      out.push(`${what}: accepted`);
    } catch (err) {
      if (!(err instanceof SpiffeError)) throw err;
      out.push(`${what}: rejected, ${err.code}`);
    }
  }
  return out.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await main());
