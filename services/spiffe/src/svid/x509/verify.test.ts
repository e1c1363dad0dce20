import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Bundle, type X509BundleSource } from '../../bundle/x509-bundle.js';
import { BundleNotFoundError, X509SvidInvalidError, X509SvidVerificationError } from '../../errors.js';
import { TrustDomain } from '../../id/trust-domain.js';
import { Oid } from '../../internal/der/oids.js';
import { sequence } from '../../internal/der/writer.js';
import { DerReader } from '../../internal/der/reader.js';
import { Tag } from '../../internal/der/tags.js';
import { TestCa } from '../../testing/test-ca.js';
import type { TestKeyType } from '../../testing/keys.js';
import { parseCertificateCached } from './certificate.js';
import { nameConstraintsExtension } from './encode-extensions.js';
import { verifyX509Svid } from './verify.js';

const now = new Date('2030-06-01T12:00:00.000Z');
const ID = 'spiffe://example.org/ns/prod/sa/web';
const HOUR = 3_600_000;
const at = (ms: number) => ({ now: new Date(now.getTime() + ms) });
const root = TestCa.create('example.org', { now });
const bundle = root.x509Bundle();

const verificationError = (re: RegExp) => (e: Error) => e instanceof X509SvidVerificationError && re.test(e.message);

describe('verifyX509Svid: valid paths (X509-SVID §5.1)', () => {
  it('verifies a leaf issued by a bundle authority and returns the bundle\'s own arrays', () => {
    const svid = root.issueX509Svid(ID);
    const leaf = svid.certificates[0]!;
    const { id, chains } = verifyX509Svid([leaf], bundle, { now });
    assert.equal(id.toString(), ID);
    assert.equal(chains.length, 1);
    assert.equal(chains[0]![0], leaf);
    assert.equal(chains[0]![1], bundle.x509Authorities()[0]);
  });

  it('verifies through two intermediates presented in either order', () => {
    const i1 = root.childCa();
    const i2 = i1.childCa();
    const [leaf, a, b] = i2.issueX509Svid(ID).certificates as [Uint8Array, Uint8Array, Uint8Array];
    for (const chain of [[leaf, a, b], [leaf, b, a]]) {
      const { chains } = verifyX509Svid(chain, bundle, { now });
      assert.deepEqual(chains, [[leaf, a, b, bundle.x509Authorities()[0]]]);
    }
  });

  it('ignores unrelated certificates in the presented chain', () => {
    const other = TestCa.create('example.org', { now }).childCa();
    const inter = root.childCa();
    const [leaf, mine] = inter.issueX509Svid(ID).certificates as [Uint8Array, Uint8Array];
    assert.equal(verifyX509Svid([leaf, other.certificate, mine], bundle, { now }).chains[0]!.length, 3);
  });

  it('accepts a presented chain that repeats the root', () => {
    const inter = root.childCa();
    const svid = inter.issueX509Svid(ID);
    const { chains } = verifyX509Svid([...svid.certificates, root.certificate], bundle, { now });
    assert.equal(chains.length, 1);
    assert.equal(chains[0]!.length, 3);
  });

  const kinds: [TestKeyType, TestKeyType][] = [
    ['ec-p384', 'ec-p256'],
    ['rsa-2048', 'ec-p384'],
    ['rsa-4096', 'rsa-2048'],
  ];
  for (const [rootKind, interKind] of kinds) {
    it(`verifies a ${rootKind} root → ${interKind} intermediate → leaf chain`, () => {
      const r = TestCa.create('example.org', { now, keyType: rootKind });
      const svid = r.childCa({ keyType: interKind }).issueX509Svid(ID, { keyType: 'ec-p256' });
      assert.equal(verifyX509Svid(svid.certificates, r.x509Bundle(), { now }).id.toString(), ID);
    });
  }

  it('uses the current time when no time is given', () => {
    const live = TestCa.create('example.org');
    assert.doesNotThrow(() => verifyX509Svid(live.issueX509Svid(ID).certificates, live.x509Bundle()));
  });

  it('parses each bundle authority once across verifications', () => {
    const svid = root.issueX509Svid(ID);
    verifyX509Svid(svid.certificates, bundle, { now });
    const parsed = parseCertificateCached(bundle.x509Authorities()[0]!);
    verifyX509Svid(svid.certificates, bundle, { now });
    assert.equal(parseCertificateCached(bundle.x509Authorities()[0]!), parsed);
  });
});

describe('verifyX509Svid: trust and signatures', () => {
  it('throws BundleNotFoundError when no bundle covers the leaf\'s trust domain', () => {
    const svid = TestCa.create('other.org', { now }).issueX509Svid('spiffe://other.org/web');
    assert.throws(() => verifyX509Svid(svid.certificates, bundle, { now }), (e: Error) => e instanceof BundleNotFoundError && /other\.org/.test(e.message));
  });

  it('rejects a leaf signed by a CA unknown to the bundle', () => {
    const svid = TestCa.create('example.org', { now }).issueX509Svid(ID);
    assert.throws(() => verifyX509Svid(svid.certificates, bundle, { now }), verificationError(/no certificate in the chain or the bundle issued the leaf/));
  });

  it("rejects a leaf for example.org issued by another trust domain's CA", () => {
    const foreign = TestCa.create('other.org', { now });
    const { chain } = foreign.issueCertificate({ uris: [ID] });
    assert.throws(() => verifyX509Svid(chain, bundle, { now }), verificationError(/issued the leaf/));
  });

  it('rejects an impostor CA with the same name but another key (no key identifiers)', () => {
    const real = TestCa.create('example.org', { now, subject: { commonName: 'Same' } });
    const impostor = TestCa.create('example.org', { now, subject: { commonName: 'Same' } });
    const { chain } = impostor.issueCertificate({ uris: [ID], omitKeyIdentifiers: true });
    assert.throws(() => verifyX509Svid(chain, real.x509Bundle(), { now }), verificationError(/bundle authority "CN=Same" did not sign it/));
  });

  it('rejects a leaf whose signature was altered', () => {
    const leaf = Uint8Array.from(root.issueX509Svid(ID).certificates[0]!);
    leaf[leaf.length - 2]! ^= 0x40;
    assert.throws(() => verifyX509Svid([leaf], bundle, { now }), verificationError(/signature does not verify/));
  });

  it('rejects an intermediate whose signature was altered', () => {
    const [leaf, inter] = root.childCa().issueX509Svid(ID).certificates as [Uint8Array, Uint8Array];
    const bad = Uint8Array.from(inter);
    bad[bad.length - 3]! ^= 0x01;
    assert.throws(() => verifyX509Svid([leaf, bad], bundle, { now }), verificationError(/bundle authority .* did not sign it: the signature does not verify/));
  });
});

describe('verifyX509Svid: validity at `now` (RFC 5280 §6.1.3)', () => {
  const inter = root.childCa({ ttlSeconds: 2 * 3600 });
  const svid = inter.issueX509Svid(ID, { ttlSeconds: 3600 });
  const notAfter = svid.leaf.notAfter.getTime() - now.getTime();
  const cases: [string, { now: Date }, RegExp | null][] = [
    ['accepts the leaf at its notAfter second', at(notAfter), null],
    ['rejects an expired leaf', at(notAfter + 1000), /leaf certificate .* expired at/],
    ['rejects a leaf that is not valid yet', at(-11_000), /is not valid before/],
  ];
  for (const [name, opts, re] of cases) {
    it(name, () => {
      if (re === null) assert.doesNotThrow(() => verifyX509Svid(svid.certificates, bundle, opts));
      else assert.throws(() => verifyX509Svid(svid.certificates, bundle, opts), verificationError(re));
    });
  }
  it('rejects a chain whose intermediate has expired', () => {
    const shortInter = root.childCa({ ttlSeconds: 60 });
    const { chain } = shortInter.issueCertificate({ uris: [ID], notAfter: new Date(now.getTime() + HOUR) });
    assert.throws(() => verifyX509Svid(chain, bundle, at(120_000)), verificationError(/intermediate .* expired at/));
  });
  it('rejects a chain whose root has expired', () => {
    const shortRoot = TestCa.create('example.org', { now, ttlSeconds: 60 });
    const { chain } = shortRoot.issueCertificate({ uris: [ID], notAfter: new Date(now.getTime() + HOUR) });
    assert.throws(() => verifyX509Svid(chain, shortRoot.x509Bundle(), at(120_000)), verificationError(/bundle authority .* expired at/));
  });
});

describe('verifyX509Svid: path length (RFC 5280 §4.2.1.9)', () => {
  const cases: [string, number, number, boolean][] = [
    ['accepts pathLen 0 on the root with no intermediate', 0, 0, true],
    ['rejects pathLen 0 on the root with one intermediate', 0, 1, false],
    ['accepts pathLen 1 on the root with one intermediate', 1, 1, true],
    ['rejects pathLen 1 on the root with two intermediates', 1, 2, false],
  ];
  for (const [name, pathLen, depth, ok] of cases) {
    it(name, () => {
      const r = TestCa.create('example.org', { now, pathLen });
      let ca = r;
      for (let i = 0; i < depth; i++) ca = ca.childCa({ defects: {} });
      const { chain } = ca.issueCertificate({ uris: [ID] });
      if (ok) assert.doesNotThrow(() => verifyX509Svid(chain, r.x509Bundle(), { now }));
      else assert.throws(() => verifyX509Svid(chain, r.x509Bundle(), { now }), verificationError(/pathLenConstraint/));
    });
  }
});

describe('verifyX509Svid: critical extensions (RFC 5280 §4.2)', () => {
  const unknown = { oid: '1.3.6.1.4.1.99999.1', value: sequence() };
  it('rejects a leaf with an unknown critical extension', () => {
    const { chain } = root.issueCertificate({ uris: [ID], extraExtensions: [{ ...unknown, critical: true }] });
    assert.throws(() => verifyX509Svid(chain, bundle, { now }), verificationError(/unsupported critical extension 1\.3\.6\.1\.4\.1\.99999\.1/));
  });
  it('rejects an intermediate with an unknown critical extension', () => {
    const inter = root.childCa({ defects: { extraExtensions: [{ ...unknown, critical: true }] } });
    const { chain } = inter.issueCertificate({ uris: [ID] });
    assert.throws(() => verifyX509Svid(chain, bundle, { now }), verificationError(/unsupported critical extension/));
  });
  it('accepts an unknown non-critical extension', () => {
    const { chain } = root.issueCertificate({ uris: [ID], extraExtensions: [{ ...unknown, critical: false }] });
    assert.doesNotThrow(() => verifyX509Svid(chain, bundle, { now }));
  });
});

describe('verifyX509Svid: name constraints (X509-SVID §4.2, RFC 5280 §4.2.1.10)', () => {
  const constrained = TestCa.create('example.org', { now, nameConstraints: { trustDomains: [TrustDomain.parse('example.org')], dnsNames: ['example.org'] } });
  const sourceFor = (ca: TestCa): X509BundleSource => ({
    getX509BundleForTrustDomain: (td) => X509Bundle.fromAuthorities(td, [ca.certificate]),
  });
  it('accepts a leaf inside the permitted trust domain and DNS subtree', () => {
    const { chain } = constrained.childCa().issueCertificate({ uris: [ID], dnsNames: ['web.example.org'] });
    assert.doesNotThrow(() => verifyX509Svid(chain, sourceFor(constrained), { now }));
  });
  it('rejects a leaf whose SPIFFE ID is outside the permitted trust domain', () => {
    const { chain } = constrained.issueCertificate({ uris: ['spiffe://evil.org/web'] });
    assert.throws(() => verifyX509Svid(chain, sourceFor(constrained), { now }), verificationError(/breaks the name constraints.*spiffe:\/\/evil\.org\/web" is not in a permitted subtree/));
  });
  it('rejects a leaf whose DNS SAN is outside the permitted subtree', () => {
    const { chain } = constrained.issueCertificate({ uris: [ID], dnsNames: ['web.example.com'] });
    assert.throws(() => verifyX509Svid(chain, sourceFor(constrained), { now }), verificationError(/DNS name "web\.example\.com" is not in a permitted subtree/));
  });
  it('rejects a leaf in an excluded subtree', () => {
    const value = extValue(nameConstraintsExtension({ excludedUriHosts: ['example.org'] }));
    const inter = root.childCa({ defects: { extraExtensions: [{ oid: Oid.nameConstraints, critical: true, value }] } });
    const { chain } = inter.issueCertificate({ uris: [ID] });
    assert.throws(() => verifyX509Svid(chain, bundle, { now }), verificationError(/is in an excluded subtree/));
  });
});

describe('verifyX509Svid: malformed input', () => {
  const svid = root.issueX509Svid(ID);
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['rejects an empty chain', () => verifyX509Svid([], bundle, { now }), X509SvidInvalidError, /chain is empty/],
    ['rejects a chain of more than 17 certificates', () => verifyX509Svid(new Array(18).fill(svid.certificates[0]), bundle, { now }), X509SvidInvalidError, /at most 17/],
    ['rejects a leaf that is not DER', () => verifyX509Svid([Uint8Array.of(1, 2, 3)], bundle, { now }), X509SvidInvalidError, /leaf certificate/],
    ['rejects an intermediate that is not DER, naming its position', () => verifyX509Svid([svid.certificates[0]!, Uint8Array.of(0x30, 0x01)], bundle, { now }), X509SvidInvalidError, /certificate 1/],
    ['throws TypeError for a chain that is not an array', () => verifyX509Svid(svid.certificates[0] as never, bundle, { now }), TypeError, /array/],
    ['throws TypeError for a missing bundle source', () => verifyX509Svid(svid.certificates, {} as never, { now }), TypeError, /getX509BundleForTrustDomain/],
    ['throws TypeError for an invalid time', () => verifyX509Svid(svid.certificates, bundle, { now: new Date('x') }), TypeError, /now/],
  ];
  for (const [name, fn, Err, re] of cases) it(name, () => assert.throws(fn, (e: Error) => e instanceof Err && re.test(e.message)));
  it('rejects a bundle with no authority', () => {
    assert.throws(() => verifyX509Svid(svid.certificates, X509Bundle.empty(root.trustDomain), { now }), verificationError(/no usable X\.509 authority/));
  });
});

/** The extnValue contents of an encoded Extension. */
function extValue(ext: Uint8Array): Uint8Array {
  const r = new DerReader(ext, (m) => {
    throw new Error(m);
  }, 'extension').enter(Tag.SEQUENCE, '');
  r.read(Tag.OID, 'extnID');
  r.optional(Tag.BOOLEAN, 'critical');
  return r.read(Tag.OCTET_STRING, 'extnValue').value;
}
