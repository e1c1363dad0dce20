/**
 * Example: a CA mints an X.509-SVID for a workload from its CSR, and a peer verifies the chain the
 * workload presents against its trust bundle, then authorizes it by SPIFFE ID.
 *
 * Run it: `node test/dist/examples/x509-svid.js`
 */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  SpiffeError,
  SpiffeId,
  TrustDomain,
  X509Bundle,
  X509BundleSet,
  X509Svid,
  X509SvidMinter,
  createCsr,
  createIntermediateCa,
  createSelfSignedCa,
  matchId,
  parseCsr,
  verifyX509Svid,
} from '@signet/spiffe';

const newKeyPair = () => promisify(generateKeyPair)('ec', { namedCurve: 'P-256' });

/** Runs the whole exchange at time `now`; returns what happened, one fact a line. */
export async function main(now: Date = new Date()): Promise<string> {
  const out: string[] = [];
  const td = TrustDomain.parse('example.org');

  // The CA: a self-signed root, and an intermediate that signs the workloads' leaves.
  const root = await newKeyPair();
  const rootCert = createSelfSignedCa({ trustDomain: td, privateKey: root.privateKey, now, ttlSeconds: 30 * 86_400 });
  const ca = await newKeyPair();
  const caCert = createIntermediateCa({
    trustDomain: td,
    publicKey: ca.publicKey,
    parentCertificate: rootCert,
    parentPrivateKey: root.privateKey,
    now,
    ttlSeconds: 7 * 86_400,
  });
  const minter = X509SvidMinter.create({ caCertificate: caCert, caPrivateKey: ca.privateKey });

  // The workload: makes a key and asks for a certificate with a CSR. Its key never leaves it.
  const workload = await newKeyPair();
  const wanted = SpiffeId.parse('spiffe://example.org/ns/prod/sa/web');
  const csrDer = createCsr({ privateKey: workload.privateKey, id: wanted, dnsNames: ['web.prod.svc'] });

  // The CA: checks the CSR's signature, decides the ID (here: after checking what was asked for), mints.
  const csr = parseCsr(csrDer);
  if (csr.uris.length !== 1 || csr.uris[0] !== wanted.toString()) throw new Error('the CSR asks for another ID');
  const leaf = minter.mint({ id: wanted, publicKey: csr.subjectPublicKeyInfo, dnsNames: csr.dnsNames, ttlSeconds: 3600, now });
  out.push(`issued ${wanted} valid ${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()}`);

  // The workload: assembles its SVID (leaf, then intermediate) with its key; this checks the X509-SVID rules.
  const svid = X509Svid.fromParts([leaf.certificate, caCert], workload.privateKey);
  out.push(`workload holds ${svid.id} with DNS names [${svid.leaf.dnsNames.join(', ')}] and ${svid.certificates.length} certificates`);

  // A peer: trusts the root of example.org (distributed as PEM), verifies the presented chain, then authorizes.
  const bundle = X509Bundle.parsePem(td, X509Bundle.fromAuthorities(td, [rootCert]).toPem());
  const verified = verifyX509Svid(svid.certificates, bundle, { now });
  out.push(`peer verified ${verified.id} through ${verified.chains.length} chain(s) of ${verified.chains[0]?.length} certificates`);
  const allowed = matchId(SpiffeId.parse('spiffe://example.org/ns/prod/sa/web'));
  out.push(`authorized: ${allowed(verified.id)}`);

  // The same chain two hours later: the leaf has expired.
  out.push(`two hours later: ${failure(() => verifyX509Svid(svid.certificates, bundle, { now: new Date(now.getTime() + 2 * 3600_000) }))}`);

  // A workload of another trust domain: unknown until its bundle is added to the set of trusted bundles.
  const partnerTd = TrustDomain.parse('partner.example');
  const partnerRoot = await newKeyPair();
  const partnerRootCert = createSelfSignedCa({ trustDomain: partnerTd, privateKey: partnerRoot.privateKey, now });
  const partnerMinter = X509SvidMinter.create({ caCertificate: partnerRootCert, caPrivateKey: partnerRoot.privateKey });
  const partnerKey = await newKeyPair();
  const partnerLeaf = partnerMinter.mint({ id: SpiffeId.parse('spiffe://partner.example/billing'), publicKey: partnerKey.publicKey, now });
  out.push(`partner peer, local bundle only: ${failure(() => verifyX509Svid([partnerLeaf.certificate], bundle, { now }))}`);
  const federated = new X509BundleSet([bundle, X509Bundle.fromAuthorities(partnerTd, [partnerRootCert])]);
  const partner = verifyX509Svid([partnerLeaf.certificate], federated, { now });
  out.push(`partner peer, with federated bundle: verified ${partner.id}; authorized: ${allowed(partner.id)}`);
  return out.join('\n');
}

/** Runs `fn`, which must fail with a SpiffeError, and describes the failure by its code. */
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
