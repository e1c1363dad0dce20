/**
 * The MUST / MUST NOT rules of X509-SVID §2–§5.2, each as a fixture named by its defect, checked
 * both when parsing an SVID (X509Svid.fromParts) and when verifying a presented chain.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { X509Bundle } from '../../bundle/x509-bundle.js';
import { buildSpecCertificate } from '../../testing/certificate-spec.js';
import { X509SvidInvalidError, X509SvidVerificationError } from '../../errors.js';
import { Oid } from '../../internal/der/oids.js';
import { TestCa } from '../../testing/test-ca.js';
import type { TestCertificateSpec } from '../../testing/certificate-spec.js';
import { X509Svid } from './svid.js';
import { verifyX509Svid } from './verify.js';

const now = new Date('2030-06-01T12:00:00.000Z');
const ID = 'spiffe://example.org/ns/prod/sa/web';
const root = TestCa.create('example.org', { now });
const bundle = root.x509Bundle();

/** Leaf fixtures that break a rule: [fixture name, spec, section, message pattern]. */
const wrongLeaves: [string, TestCertificateSpec, string, RegExp][] = [
  ['wrong-leaf-ca-true', { uris: [ID], basicConstraints: { ca: true } }, '§4.1, §5.2', /cA=true/],
  ['wrong-leaf-no-san', { uris: [] }, '§2', /has no URI SAN/],
  ['wrong-leaf-no-uri-san (DNS SAN only)', { uris: [], dnsNames: ['web.example.org'] }, '§2', /has no URI SAN/],
  ['wrong-leaf-two-uri-sans', { uris: [ID, 'spiffe://example.org/other'] }, '§2, §5.2', /has 2 URI SANs/],
  ['wrong-leaf-two-uri-sans-one-not-spiffe', { uris: [ID, 'https://example.org/'] }, '§2, §5.2', /has 2 URI SANs/],
  ['wrong-leaf-uri-scheme-https', { uris: ['https://example.org/web'] }, '§5.2 (scheme)', /not a valid SPIFFE ID.*scheme/],
  ['wrong-leaf-uri-scheme-uppercase', { uris: ['SPIFFE://example.org/web'] }, '§5.2 (scheme)', /not a valid SPIFFE ID.*lowercase/],
  ['wrong-leaf-uri-invalid-path', { uris: ['spiffe://example.org/a/../b'] }, '§2', /not a valid SPIFFE ID/],
  ['wrong-leaf-trust-domain-id (no path)', { uris: ['spiffe://example.org'] }, '§3.1, §5.2', /non-root path/],
  ['wrong-leaf-empty-subject-san-not-critical', { uris: [ID], subject: {}, sanCritical: false }, '§3.1', /empty subject/],
  ['wrong-leaf-no-key-usage', { uris: [ID], keyUsage: null }, '§4.3', /no key usage extension/],
  ['wrong-leaf-key-usage-not-critical', { uris: [ID], keyUsageCritical: false }, '§4.3', /not critical/],
  ['wrong-leaf-no-digital-signature', { uris: [ID], keyUsage: ['keyEncipherment'] }, '§4.3', /lacks the digitalSignature/],
  ['wrong-leaf-key-cert-sign', { uris: [ID], keyUsage: ['digitalSignature', 'keyCertSign'] }, '§4.3, §5.2', /keyCertSign key usage/],
  ['wrong-leaf-crl-sign', { uris: [ID], keyUsage: ['digitalSignature', 'cRLSign'] }, '§4.3, §5.2', /cRLSign key usage/],
  ['wrong-leaf-eku-without-client-auth', { uris: [ID], extKeyUsage: [Oid.serverAuth] }, '§4.4', /without id-kp-clientAuth/],
  ['wrong-leaf-eku-without-server-auth', { uris: [ID], extKeyUsage: [Oid.clientAuth, '1.3.6.1.5.5.7.3.4'] }, '§4.4', /without id-kp-serverAuth/],
];

/** Leaf fixtures that use a MAY or SHOULD of the spec and must be accepted. */
const goodLeaves: [string, TestCertificateSpec, string][] = [
  ['good-leaf-no-basic-constraints (cA defaults to false)', { uris: [ID], basicConstraints: null }, '§4.1'],
  ['good-leaf-no-eku (SHOULD, not MUST)', { uris: [ID], extKeyUsage: null }, '§4.4'],
  ['good-leaf-extra-eku', { uris: [ID], extKeyUsage: [Oid.serverAuth, Oid.clientAuth, '1.3.6.1.5.5.7.3.4'] }, '§4.4'],
  ['good-leaf-key-encipherment-and-key-agreement', { uris: [ID], keyUsage: ['digitalSignature', 'keyEncipherment', 'keyAgreement'] }, '§4.3'],
  ['good-leaf-empty-subject-critical-san', { uris: [ID], subject: {}, sanCritical: true }, '§3.1'],
  ['good-leaf-with-dns-sans', { uris: [ID], dnsNames: ['web.example.org', 'web'] }, '§2'],
  ['good-leaf-rsa-key', { uris: [ID], keyType: 'rsa-2048', keyUsage: ['digitalSignature', 'keyEncipherment'] }, '§4.3'],
];

describe('leaf rules (X509-SVID §2–§5.2)', () => {
  for (const [fixture, spec, section, re] of wrongLeaves) {
    it(`rejects ${fixture} when parsing and when verifying (${section})`, () => {
      const { chain, privateKey } = root.issueCertificate(spec);
      const isInvalid = (e: Error) => e instanceof X509SvidInvalidError && re.test(e.message);
      assert.throws(() => X509Svid.fromParts(chain, privateKey!), isInvalid);
      assert.throws(() => verifyX509Svid(chain, bundle, { now }), isInvalid);
    });
  }
  for (const [fixture, spec, section] of goodLeaves) {
    it(`accepts ${fixture} (${section})`, () => {
      const { chain, privateKey } = root.issueCertificate(spec);
      assert.equal(X509Svid.fromParts(chain, privateKey!).id.toString(), ID);
      assert.equal(verifyX509Svid(chain, bundle, { now }).id.toString(), ID);
    });
  }
});

/** Intermediate fixtures that break a signing-certificate rule. */
const wrongIntermediates: [string, TestCertificateSpec, string, RegExp][] = [
  ['wrong-intermediate-ca-false', { basicConstraints: { ca: false } }, '§4.1', /cA=false/],
  ['wrong-intermediate-no-basic-constraints', { basicConstraints: null }, '§4.1', /no basic constraints/],
  ['wrong-intermediate-no-key-cert-sign', { keyUsage: ['cRLSign'] }, '§3.2, §4.3', /lacks the keyCertSign/],
  ['wrong-intermediate-no-key-usage', { keyUsage: null }, '§4.3', /no key usage extension/],
  ['wrong-intermediate-spiffe-id-with-path', { uris: ['spiffe://example.org/ca'] }, '§3.2', /with a path/],
];

describe('signing certificate rules (X509-SVID §3.2, §4.1, §4.3)', () => {
  for (const [fixture, spec, section, re] of wrongIntermediates) {
    it(`rejects a leaf under ${fixture} when parsing and when verifying (${section})`, () => {
      const bad = root.childCa({ defects: spec });
      const { chain, privateKey } = bad.issueCertificate({ uris: [ID] });
      assert.throws(() => X509Svid.fromParts(chain, privateKey!), (e: Error) => e instanceof X509SvidInvalidError && re.test(e.message));
      assert.throws(() => verifyX509Svid(chain, bundle, { now }), (e: Error) => e instanceof X509SvidVerificationError && re.test(e.message));
    });
  }
  it('accepts an intermediate without a URI SAN (SHOULD be an SVID, not MUST)', () => {
    const inter = root.childCa({ defects: { uris: [] } });
    const { chain, privateKey } = inter.issueCertificate({ uris: [ID] });
    assert.equal(X509Svid.fromParts(chain, privateKey!).id.toString(), ID);
    assert.equal(verifyX509Svid(chain, bundle, { now }).chains[0]!.length, 3);
  });
  it('accepts an intermediate with an extended key usage (§4.4 MAY)', () => {
    const inter = root.childCa({ defects: { extKeyUsage: [Oid.serverAuth, Oid.clientAuth] } });
    const { chain } = inter.issueCertificate({ uris: [ID] });
    assert.doesNotThrow(() => verifyX509Svid(chain, bundle, { now }));
  });
  it('rejects a path to a bundle authority that is not a CA (every signer needs cA and keyCertSign)', () => {
    const ca = TestCa.create('example.org', { now, subject: { commonName: 'Root R' } });
    const { chain } = ca.issueCertificate({ uris: [ID] });
    // Same name and key as the real root, but cA=false and no keyCertSign.
    const publicKey = createPublicKey(ca.privateKey);
    const fake = buildSpecCertificate(
      { subject: { commonName: 'Root R' } },
      { uris: [], basicConstraints: { ca: false }, keyUsage: ['digitalSignature'], extKeyUsage: null, subject: {}, notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + 3_600_000) },
      publicKey,
      { self: ca.privateKey },
    );
    assert.doesNotThrow(() => verifyX509Svid(chain, ca.x509Bundle(), { now }));
    const fakeBundle = X509Bundle.fromAuthorities(ca.trustDomain, [fake]);
    assert.throws(() => verifyX509Svid(chain, fakeBundle, { now }), (e: Error) => e instanceof X509SvidVerificationError && /bundle authority "CN=Root R" has cA=false/.test(e.message));
  });
});
