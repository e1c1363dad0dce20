import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, sign } from 'node:crypto';
import { X509SvidInvalidError } from '../../errors.js';
import { Oid } from '../../internal/der/oids.js';
import { bitString, explicit, ia5String, namedBitString, octetString, sequence, time, unsignedInteger } from '../../internal/der/writer.js';
import { exportSpki, signatureAlgorithmFor } from '../../internal/keys.js';
import { TestCa } from '../../testing/test-ca.js';
import { generateTestKey } from '../../testing/keys.js';
import { buildCertificate } from './cert-builder.js';
import { parseCertificate, parseCertificateCached, serialNumberHex } from './certificate.js';
import { basicConstraintsExtension, extension } from './encode-extensions.js';
import { encodeName, formatName } from './name.js';

const now = new Date('2030-06-01T12:00:00.000Z');
const ca = TestCa.create('example.org', { now, subject: { country: 'US', organization: 'Acme', commonName: 'Root' } });
const key = generateTestKey();

function certWith(extensions: Uint8Array[]): Uint8Array {
  return buildCertificate(
    {
      serialNumber: Uint8Array.of(1),
      issuer: encodeName({ commonName: 'x' }),
      subject: encodeName({ commonName: 'x' }),
      notBefore: now,
      notAfter: new Date(now.getTime() + 3_600_000),
      subjectPublicKeyInfo: exportSpki(key.publicKey),
      extensions,
    },
    key.privateKey,
  );
}

describe('parseCertificate agrees with Node', () => {
  it('reads serial, validity, names and key of a root and a leaf', () => {
    const svid = ca.childCa().issueX509Svid('spiffe://example.org/web', { dnsNames: ['web.example.org'] });
    for (const der of [ca.certificate, ...svid.certificates]) {
      const p = parseCertificate(der);
      const x = new X509Certificate(der);
      assert.equal(serialNumberHex(p), x.serialNumber.toLowerCase());
      assert.equal(p.notBefore.getTime(), new Date(x.validFrom).getTime());
      assert.equal(p.notAfter.getTime(), new Date(x.validTo).getTime());
      assert.deepEqual(new Uint8Array(x.publicKey.export({ format: 'der', type: 'spki' })), Uint8Array.from(p.subjectPublicKeyInfo));
      assert.equal(p.version, 3);
    }
    assert.equal(formatName(parseCertificate(ca.certificate).subject), 'C=US, O=Acme, CN=Root');
  });

  it('reads cA and key usage from the DER, not from Node\'s properties', () => {
    const notCaByKu = ca.issueCertificate({ uris: [], basicConstraints: { ca: true }, keyUsage: ['digitalSignature'], extKeyUsage: null });
    const p = parseCertificate(notCaByKu.certificate);
    assert.equal(p.ext.basicConstraints?.ca, true);
    assert.equal(p.ext.keyUsage?.mask, 1);
  });

  it('returns the same parsed object for the same array from the cache', () => {
    assert.equal(parseCertificateCached(ca.certificate), parseCertificateCached(ca.certificate));
    assert.notEqual(parseCertificate(ca.certificate), parseCertificate(ca.certificate));
  });
});

describe('parseCertificate refusals (RFC 5280 §4.1, §4.2)', () => {
  const good = ca.certificate;
  const swappedOuterAlg = (): Uint8Array => {
    const c = Uint8Array.from(good);
    const alg = Buffer.from('06082a8648ce3d040302', 'hex');
    const at = Buffer.from(c).lastIndexOf(alg);
    c[at + alg.length - 1] = 0x03;
    return c;
  };
  const v1WithExtensions = (): Uint8Array => {
    const alg = signatureAlgorithmFor(key.privateKey);
    const tbs = sequence(
      unsignedInteger(Uint8Array.of(1)),
      alg.identifier,
      encodeName({ commonName: 'x' }),
      sequence(time(now), time(now)),
      encodeName({ commonName: 'x' }),
      exportSpki(key.publicKey),
      explicit(3, sequence(basicConstraintsExtension(true))),
    );
    return sequence(tbs, alg.identifier, bitString(sign(alg.hash, tbs, key.privateKey)));
  };
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['rejects a signature algorithm that differs from the TBS one (§4.1.1.2)', swappedOuterAlg, /tbsCertificate\.signature and signatureAlgorithm differ/],
    ['rejects a duplicated extension (§4.2)', () => certWith([basicConstraintsExtension(true), basicConstraintsExtension(true)]), /basicConstraints appears more than once/],
    ['rejects a key usage with no bit set (§4.2.1.3)', () => certWith([extension(Oid.keyUsage, true, namedBitString(0))]), /keyUsage: must have at least one bit set/],
    ['rejects an empty subject alternative name (§4.2.1.6)', () => certWith([extension(Oid.subjectAltName, false, sequence())]), /subjectAltName: must hold at least one name/],
    ['rejects a URI SAN with non-ASCII bytes', () => certWith([extension(Oid.subjectAltName, false, sequence(Uint8Array.of(0x86, 2, 0xc3, 0xa9)))]), /ASCII/],
    ['rejects an empty URI SAN', () => certWith([extension(Oid.subjectAltName, false, sequence(Uint8Array.of(0x86, 0)))]), /must not be empty/],
    ['rejects a constructed URI SAN', () => certWith([extension(Oid.subjectAltName, false, sequence(Uint8Array.of(0xa6, 2, 0x16, 0)))]), /primitive IA5String/],
    ['rejects trailing data inside an extension value', () => certWith([extension(Oid.basicConstraints, true, Uint8Array.of(0x30, 0, 0x05, 0))]), /basicConstraints: unexpected trailing data/],
    ['rejects a negative pathLenConstraint', () => certWith([extension(Oid.basicConstraints, true, sequence(Uint8Array.of(1, 1, 0xff), Uint8Array.of(2, 1, 0xff)))]), /pathLenConstraint: must not be negative/],
    ['rejects an empty extended key usage', () => certWith([extension(Oid.extKeyUsage, false, sequence())]), /at least one purpose/],
    ['rejects extensions in a v1 certificate', v1WithExtensions, /only allowed in v3/],
    ['rejects trailing bytes after the certificate', () => Uint8Array.from([...good, 0]), /unexpected trailing data/],
    ['rejects a truncated certificate', () => good.subarray(0, good.length - 5), /truncated/],
  ];
  for (const [name, make, re] of cases) {
    it(name, () => assert.throws(() => parseCertificate(make()), (e: Error) => e instanceof X509SvidInvalidError && re.test(e.message)));
  }

  it('accepts and records unknown extensions, noting critical ones', () => {
    const p = parseCertificate(certWith([extension('1.2.3.4', true, sequence()), extension('1.2.3.5', false, octetString(Uint8Array.of(1)))]));
    assert.deepEqual(p.ext.unknownCritical, ['1.2.3.4']);
    assert.equal(p.extensions.length, 2);
  });

  it('counts SAN forms it does not decode', () => {
    const ip = Uint8Array.of(0x87, 4, 10, 0, 0, 1);
    const san = extension(Oid.subjectAltName, false, sequence(ip, ia5String('x').fill(0x82, 0, 1)));
    const p = parseCertificate(certWith([san]));
    assert.deepEqual(p.ext.subjectAltName?.otherForms, [7]);
    assert.deepEqual(p.ext.subjectAltName?.dnsNames, ['x']);
    assert.equal(p.ext.subjectAltName?.uris.length, 0);
  });
});
