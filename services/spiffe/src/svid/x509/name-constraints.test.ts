import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contextTag, Tag } from '../../internal/der/tags.js';
import { implicitPrimitive, explicit, sequence, smallInteger, tlv } from '../../internal/der/writer.js';
import { DerReader } from '../../internal/der/reader.js';
import { nameConstraintsExtension } from './encode-extensions.js';
import { GeneralNameForm } from './general-names.js';
import { decodeNameConstraints, nameConstraintViolation, type NameConstraints } from './name-constraints.js';

const fail = (m: string): never => {
  throw new Error(m);
};
const valueOf = (ext: Uint8Array): Uint8Array => {
  const r = new DerReader(ext, fail, 'e').enter(Tag.SEQUENCE, '');
  r.read(Tag.OID, 'id');
  r.optional(Tag.BOOLEAN, 'c');
  return r.read(Tag.OCTET_STRING, 'v').value;
};
const nc = (c: Parameters<typeof nameConstraintsExtension>[0]): NameConstraints => decodeNameConstraints(valueOf(nameConstraintsExtension(c)), fail, 'nc');
const names = (uris: string[], dnsNames: string[] = [], otherForms: number[] = []) => ({ uris, dnsNames, otherForms });

describe('name constraint matching', () => {
  const cases: [string, NameConstraints, ReturnType<typeof names>, RegExp | undefined][] = [
    ['a URI host constraint permits that trust domain', nc({ permittedUriHosts: ['example.org'] }), names(['spiffe://example.org/web']), undefined],
    ['a URI host constraint does not permit a subdomain', nc({ permittedUriHosts: ['example.org'] }), names(['spiffe://a.example.org/web']), /not in a permitted subtree/],
    ['a leading-dot URI constraint permits subdomains only', nc({ permittedUriHosts: ['.example.org'] }), names(['spiffe://a.example.org/web']), undefined],
    ['a leading-dot URI constraint does not permit the domain itself', nc({ permittedUriHosts: ['.example.org'] }), names(['spiffe://example.org/web']), /not in a permitted subtree/],
    ['URI host matching ignores case', nc({ permittedUriHosts: ['EXAMPLE.org'] }), names(['spiffe://example.org/web']), undefined],
    ['an excluded URI host wins', nc({ excludedUriHosts: ['evil.org'] }), names(['spiffe://evil.org/x']), /excluded subtree/],
    ['a URI without a host fails a URI constraint', nc({ permittedUriHosts: ['example.org'] }), names(['urn:example:web']), /no host/],
    ['a DNS constraint permits the domain and its subdomains', nc({ permittedDnsNames: ['example.org'] }), names([], ['example.org', 'a.b.example.org']), undefined],
    ['a DNS constraint does not permit a lookalike', nc({ permittedDnsNames: ['example.org'] }), names([], ['badexample.org']), /not in a permitted subtree/],
    ['a leading-dot DNS constraint permits subdomains only', nc({ permittedDnsNames: ['.example.org'] }), names([], ['example.org']), /not in a permitted subtree/],
    ['an excluded DNS subtree wins', nc({ permittedDnsNames: ['example.org'], excludedDnsNames: ['secret.example.org'] }), names([], ['db.secret.example.org']), /excluded subtree/],
    ['DNS constraints leave URIs alone', nc({ permittedDnsNames: ['example.org'] }), names(['spiffe://other.org/x']), undefined],
    ['URI constraints leave DNS names alone', nc({ permittedUriHosts: ['example.org'] }), names(['spiffe://example.org/x'], ['other.org']), undefined],
  ];
  for (const [name, constraints, n, re] of cases) {
    it(name, () => {
      const v = nameConstraintViolation(constraints, n);
      if (re === undefined) assert.equal(v, undefined);
      else assert.match(v ?? '', re);
    });
  }

  it('rejects a certificate with a name of a constrained form it cannot process', () => {
    const dirConstraint = sequence(explicit(0, sequence(explicit(4, sequence()))));
    const c = decodeNameConstraints(dirConstraint, fail, 'nc');
    assert.deepEqual(c.permitted.otherForms, [GeneralNameForm.directoryName]);
    assert.match(nameConstraintViolation(c, names(['spiffe://example.org/x'], [], [GeneralNameForm.directoryName])) ?? '', /directoryName names are not supported/);
    assert.equal(nameConstraintViolation(c, names(['spiffe://example.org/x'])), undefined);
  });
});

describe('decodeNameConstraints', () => {
  const uriBase = implicitPrimitive(6, new Uint8Array(Buffer.from('example.org')));
  const bad: [string, Uint8Array, RegExp][] = [
    ['rejects an empty extension', sequence(), /permitted or excluded/],
    ['rejects empty subtrees', sequence(tlv(contextTag(0, true))), /at least one subtree/],
    ['rejects a non-zero minimum', sequence(tlv(contextTag(0, true), sequence(uriBase, implicitPrimitive(0, smallInteger(1).subarray(2))))), /minimum: must be zero/],
    ['rejects a maximum', sequence(tlv(contextTag(0, true), sequence(uriBase, implicitPrimitive(1, Uint8Array.of(1))))), /maximum: must be absent/],
  ];
  for (const [name, der, re] of bad) it(name, () => assert.throws(() => decodeNameConstraints(der, fail, 'nc'), re));
  it('accepts an explicit zero minimum', () => {
    const der = sequence(tlv(contextTag(0, true), sequence(uriBase, implicitPrimitive(0, Uint8Array.of(0)))));
    assert.deepEqual(decodeNameConstraints(der, fail, 'nc').permitted.uriHosts, ['example.org']);
  });
});
