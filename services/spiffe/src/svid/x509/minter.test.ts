import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash, generateKeyPairSync } from 'node:crypto';
import * as px from '@peculiar/x509';
import { KeyInvalidError, UnsupportedError, X509SvidInvalidError } from '../../errors.js';
import { SpiffeId } from '../../id/spiffe-id.js';
import { DerReader } from '../../internal/der/reader.js';
import { Tag, contextTag } from '../../internal/der/tags.js';
import { exportSpki, inspectSpki } from '../../internal/keys.js';
import { TestCa } from '../../testing/test-ca.js';
import { generateTestKey, type TestKeyType } from '../../testing/keys.js';
import { parseCertificate } from './certificate.js';
import { X509SvidMinter } from './minter.js';
import { validateLeaf } from './rules.js';
import { verifyX509Svid } from './verify.js';

const now = new Date('2030-06-01T12:00:00.000Z');
const id = SpiffeId.parse('spiffe://example.org/ns/prod/sa/web');
const fail = (m: string): never => {
  throw new Error(m);
};

/** An independent reading of a certificate, by @peculiar/x509. */
function view(der: Uint8Array) {
  const c = new px.X509Certificate(der);
  const bc = c.getExtension(px.BasicConstraintsExtension);
  const ku = c.getExtension(px.KeyUsagesExtension);
  const eku = c.getExtension(px.ExtendedKeyUsageExtension);
  const san = c.getExtension(px.SubjectAlternativeNameExtension);
  return {
    cert: c,
    bc,
    ku,
    eku: [...(eku?.usages ?? [])].map(String),
    sanCritical: san?.critical,
    uris: san?.names.items.filter((n) => n.type === 'url').map((n) => n.value) ?? [],
    dns: san?.names.items.filter((n) => n.type === 'dns').map((n) => n.value) ?? [],
    ski: c.getExtension(px.SubjectKeyIdentifierExtension)?.keyId,
    aki: c.getExtension(px.AuthorityKeyIdentifierExtension)?.keyId,
  };
}

const cas = new Map<TestKeyType, TestCa>();
function caOf(keyType: TestKeyType): TestCa {
  let ca = cas.get(keyType);
  if (ca === undefined) cas.set(keyType, (ca = TestCa.create('example.org', { keyType, now })));
  return ca;
}

describe('X509SvidMinter: leaf shape (X509-SVID §2–§4.4)', () => {
  const combos: [TestKeyType, TestKeyType, string][] = [
    ['ec-p256', 'ec-p256', '1.2.840.10045.4.3.2'],
    ['ec-p384', 'ec-p256', '1.2.840.10045.4.3.3'],
    ['rsa-2048', 'ec-p384', '1.2.840.113549.1.1.11'],
    ['ec-p256', 'rsa-2048', '1.2.840.10045.4.3.2'],
  ];
  for (const [caKey, leafKey, sigAlg] of combos) {
    it(`mints a conforming leaf for a ${leafKey} key under a ${caKey} CA`, () => {
      const ca = caOf(caKey);
      const pair = generateTestKey(leafKey);
      const spki = exportSpki(pair.publicKey);
      const { certificate } = ca.minter().mint({ id, publicKey: spki, now });
      const v = view(certificate);
      // §2: exactly one URI SAN, the SPIFFE ID.
      assert.deepEqual(v.uris, [id.toString()]);
      // §4.1: cA false, in a critical basic constraints extension.
      assert.equal(v.bc?.ca, false);
      assert.equal(v.bc?.critical, true);
      // §4.3: critical key usage, digitalSignature, never keyCertSign or cRLSign.
      assert.equal(v.ku?.critical, true);
      const usages = v.ku!.usages;
      assert.ok(usages & px.KeyUsageFlags.digitalSignature);
      assert.equal(usages & (px.KeyUsageFlags.keyCertSign | px.KeyUsageFlags.cRLSign), 0);
      assert.equal(Boolean(usages & px.KeyUsageFlags.keyEncipherment), leafKey.startsWith('rsa'));
      assert.equal(usages & px.KeyUsageFlags.keyAgreement, 0);
      // §4.4: serverAuth and clientAuth.
      assert.deepEqual(v.eku.sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
      // Key identifiers: SKI is the SHA-1 of the key bits, AKI the CA's SKI.
      const bits = inspectSpki(spki, fail).keyBits;
      assert.equal(v.ski, createHash('sha1').update(bits).digest('hex'));
      assert.equal(v.aki, view(ca.certificate).ski);
      assert.equal(parseCertificate(certificate).signatureAlgorithm, sigAlg);
      // Node agrees the CA issued and signed it.
      const leaf = new X509Certificate(certificate);
      const caCert = new X509Certificate(ca.certificate);
      assert.ok(leaf.checkIssued(caCert));
      assert.ok(leaf.verify(caCert.publicKey));
      assert.ok(leaf.publicKey.equals(pair.publicKey));
      assert.equal(leaf.issuer, caCert.subject);
      // Our own rules and verifier accept it.
      assert.ok(validateLeaf(parseCertificate(certificate)).equals(id));
      assert.ok(verifyX509Svid([certificate], ca.x509Bundle(), { now }).id.equals(id));
    });
  }

  it('gives the same certificate shape for a KeyObject as for its SubjectPublicKeyInfo', () => {
    const pair = generateTestKey();
    const { certificate } = caOf('ec-p256').minter().mint({ id, publicKey: pair.publicKey, now });
    assert.ok(new X509Certificate(certificate).publicKey.equals(pair.publicKey));
  });

  it('uses O=SPIFFE and the serial as the default subject', () => {
    const m = caOf('ec-p256').minter().mint({ id, publicKey: generateTestKey().publicKey, now });
    assert.equal(new X509Certificate(m.certificate).subject, `O=SPIFFE\nserialNumber=${m.serialNumber}`);
    assert.equal(view(m.certificate).sanCritical, false);
  });

  it('writes a custom subject', () => {
    const m = caOf('ec-p256').minter().mint({ id, publicKey: generateTestKey().publicKey, now, subject: { country: 'US', organization: 'Acme', commonName: 'web' } });
    assert.equal(new X509Certificate(m.certificate).subject, 'C=US\nO=Acme\nCN=web');
  });

  it('marks the URI SAN critical when the subject is empty (X509-SVID §3.1)', () => {
    const m = caOf('ec-p256').minter().mint({ id, publicKey: generateTestKey().publicKey, now, subject: {} });
    assert.equal(view(m.certificate).sanCritical, true);
    assert.equal(new X509Certificate(m.certificate).subject ?? '', '');
    assert.doesNotThrow(() => validateLeaf(parseCertificate(m.certificate)));
  });

  it('adds validated DNS SANs after the URI SAN, dropping duplicates (X509-SVID §2)', () => {
    const m = caOf('ec-p256').minter().mint({ id, publicKey: generateTestKey().publicKey, now, dnsNames: ['web.example.org', '*.web.example.org', 'WEB.example.org'] });
    const v = view(m.certificate);
    assert.deepEqual(v.uris, [id.toString()]);
    assert.deepEqual(v.dns, ['web.example.org', '*.web.example.org']);
  });
});

describe('X509SvidMinter: validity', () => {
  const minter = () => caOf('ec-p256').minter();
  const key = generateTestKey().publicKey;

  it('backdates notBefore by 10 seconds and sets notAfter to now + ttl, in whole seconds', () => {
    const m = minter().mint({ id, publicKey: key, now: new Date(now.getTime() + 999), ttlSeconds: 600 });
    assert.equal(m.notBefore.toISOString(), '2030-06-01T11:59:50.000Z');
    assert.equal(m.notAfter.toISOString(), '2030-06-01T12:10:00.000Z');
    const p = parseCertificate(m.certificate);
    assert.deepEqual([p.notBefore, p.notAfter], [m.notBefore, m.notAfter]);
  });

  it('uses the default TTL of one hour and a configurable backdate', () => {
    const ca = caOf('ec-p256');
    const custom = X509SvidMinter.create({ caCertificate: ca.certificate, caPrivateKey: ca.privateKey, defaultTtlSeconds: 120, backdateSeconds: 0 });
    const m = custom.mint({ id, publicKey: key, now });
    assert.equal(m.notBefore.getTime(), now.getTime());
    assert.equal(m.notAfter.getTime() - now.getTime(), 120_000);
    assert.equal(minter().mint({ id, publicKey: key, now }).notAfter.getTime() - now.getTime(), 3_600_000);
  });

  it("caps notAfter at the CA's notAfter: a leaf never outlives its signer", () => {
    const ca = TestCa.create('example.org', { now, ttlSeconds: 1800 });
    const m = ca.minter().mint({ id, publicKey: key, now, ttlSeconds: 7200 });
    assert.deepEqual(m.notAfter, parseCertificate(ca.certificate).notAfter);
    assert.deepEqual(m.notAfter, ca.minter().caNotAfter);
  });

  it('refuses to mint once the CA has expired', () => {
    const ca = TestCa.create('example.org', { now, ttlSeconds: 60 });
    assert.throws(() => ca.minter().mint({ id, publicKey: key, now: new Date(now.getTime() + 61_000) }), (e: Error) => e instanceof X509SvidInvalidError && /CA certificate expired/.test(e.message));
  });

  const years: [string, Date, number, number][] = [
    ['UTCTime for both times before 2050', new Date('2049-12-31T22:00:00Z'), Tag.UTC_TIME, Tag.UTC_TIME],
    ['GeneralizedTime for a notAfter in 2050 (RFC 5280 §4.1.2.5)', new Date('2049-12-31T23:30:00Z'), Tag.UTC_TIME, Tag.GENERALIZED_TIME],
    ['GeneralizedTime for both times after 2050', new Date('2050-01-02T00:00:00Z'), Tag.GENERALIZED_TIME, Tag.GENERALIZED_TIME],
  ];
  const longCa = TestCa.create('example.org', { now: new Date('2049-12-01T00:00:00Z'), ttlSeconds: 90 * 86400 });
  for (const [name, at, tagBefore, tagAfter] of years) {
    it(`writes ${name}`, () => {
      const m = longCa.minter().mint({ id, publicKey: key, now: at, ttlSeconds: 3600 });
      const tbs = new DerReader(m.certificate, fail, 'c').enter(Tag.SEQUENCE, '').enter(Tag.SEQUENCE, 'tbs');
      tbs.read(contextTag(0, true), 'v');
      tbs.read(Tag.INTEGER, 's');
      tbs.read(Tag.SEQUENCE, 'alg');
      tbs.read(Tag.SEQUENCE, 'issuer');
      const validity = tbs.enter(Tag.SEQUENCE, 'validity');
      assert.equal(validity.next('nb').tag, tagBefore);
      assert.equal(validity.next('na').tag, tagAfter);
      const x = new X509Certificate(m.certificate);
      assert.equal(new Date(x.validTo).getTime(), m.notAfter.getTime());
      assert.equal(new Date(x.validFrom).getTime(), m.notBefore.getTime());
    });
  }
});

describe('X509SvidMinter: serial numbers (RFC 5280 §4.1.2.2)', () => {
  it('mints distinct, positive 16-octet serials across 5000 leaves', () => {
    const minter = caOf('ec-p256').minter();
    const spki = exportSpki(generateTestKey().publicKey);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const m = minter.mint({ id, publicKey: spki, now });
      const serial = parseCertificate(m.certificate).serialNumber;
      assert.equal(serial.byteLength, 16);
      assert.equal(serial[0]! & 0x80, 0, 'first octet high bit clear: positive');
      assert.notEqual(serial[0], 0, 'minimal encoding');
      assert.equal(Buffer.from(serial).toString('hex'), m.serialNumber);
      seen.add(m.serialNumber);
    }
    assert.equal(seen.size, 5000);
  });
});

describe('X509SvidMinter: refusals', () => {
  const minter = () => caOf('ec-p256').minter();
  const key = generateTestKey().publicKey;
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['refuses a trust-domain ID without a path (X509-SVID §3.1)', () => minter().mint({ id: SpiffeId.parse('spiffe://example.org'), publicKey: key, now }), X509SvidInvalidError, /non-root path/],
    ['refuses an ID given as a string', () => minter().mint({ id: 'spiffe://example.org/a' as never, publicKey: key, now }), TypeError, /SpiffeId/],
    ['refuses an invalid DNS name', () => minter().mint({ id, publicKey: key, now, dnsNames: ['bad_name.example.org'] }), X509SvidInvalidError, /dnsNames\[0\]/],
    ['refuses an empty DNS name', () => minter().mint({ id, publicKey: key, now, dnsNames: ['ok.example.org', ''] }), X509SvidInvalidError, /dnsNames\[1\] "" is empty/],
    ['refuses an Ed25519 subject key', () => minter().mint({ id, publicKey: generateKeyPairSync('ed25519').publicKey, now }), UnsupportedError, /Ed25519/],
    ['refuses a 1024-bit RSA subject key', () => minter().mint({ id, publicKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, now }), UnsupportedError, /RSA 1024-bit/],
    ['refuses malformed SubjectPublicKeyInfo bytes', () => minter().mint({ id, publicKey: Uint8Array.of(0x30, 0x03, 1, 1, 0), now }), KeyInvalidError, /publicKey/],
    ['refuses a zero TTL', () => minter().mint({ id, publicKey: key, now, ttlSeconds: 0 }), TypeError, /ttlSeconds/],
    ['refuses an invalid now', () => minter().mint({ id, publicKey: key, now: new Date(NaN) }), TypeError, /now/],
    ['refuses a subject with a bad country code', () => minter().mint({ id, publicKey: key, now, subject: { country: 'usa' } }), X509SvidInvalidError, /subject\.country/],
  ];
  for (const [name, fn, Err, re] of cases) it(name, () => assert.throws(fn, (e: Error) => e instanceof Err && re.test(e.message)));

  it('refuses to bind to a leaf certificate (X509-SVID §4.1)', () => {
    const ca = caOf('ec-p256');
    const svid = ca.issueX509Svid(id);
    assert.throws(() => X509SvidMinter.create({ caCertificate: svid.certificates[0]!, caPrivateKey: svid.privateKey }), (e: Error) => e instanceof X509SvidInvalidError && /cA=false/.test(e.message));
  });
  it('refuses a CA key that does not match the CA certificate', () => {
    assert.throws(() => X509SvidMinter.create({ caCertificate: caOf('ec-p256').certificate, caPrivateKey: generateTestKey().privateKey }), KeyInvalidError);
  });
  it('refuses a public key as the CA key', () => {
    assert.throws(() => X509SvidMinter.create({ caCertificate: caOf('ec-p256').certificate, caPrivateKey: generateTestKey().publicKey }), TypeError);
  });
});

describe('X509SvidMinter.mintAsync', () => {
  it('mints the same kind of leaf on the thread pool', async () => {
    const ca = caOf('ec-p384');
    const results = await Promise.all(Array.from({ length: 16 }, () => ca.minter().mintAsync({ id, publicKey: generateTestKey().publicKey, now })));
    for (const r of results) assert.ok(verifyX509Svid([r.certificate], ca.x509Bundle(), { now }).id.equals(id));
    assert.equal(new Set(results.map((r) => r.serialNumber)).size, 16);
  });
  it('rejects, rather than throws, on bad input', async () => {
    const p = caOf('ec-p256').minter().mintAsync({ id: SpiffeId.parse('spiffe://example.org'), publicKey: generateTestKey().publicKey, now });
    await assert.rejects(p, X509SvidInvalidError);
  });
});
