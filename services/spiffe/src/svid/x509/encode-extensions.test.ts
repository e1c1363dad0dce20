import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Oid } from '../../internal/der/oids.js';
import { boolean, ia5String, octetString, oid, sequence } from '../../internal/der/writer.js';
import { subjectAltNameExtension } from './encode-extensions.js';
import { decodeExtensions, readExtensions } from './extensions.js';
import { DerReader, type Fail } from '../../internal/der/reader.js';
import { Tag } from '../../internal/der/tags.js';

const fail: Fail = (m) => {
  throw new Error(m);
};

/** The SAN extension built element by element, as RFC 5280 §4.2.1.6 reads. */
function reference(uris: readonly string[], dnsNames: readonly string[], critical: boolean): Uint8Array {
  const named = (form: number, text: string): Uint8Array => {
    const e = ia5String(text);
    e[0] = 0x80 | form;
    return e;
  };
  const names = sequence(...uris.map((u) => named(6, u)), ...dnsNames.map((d) => named(2, d)));
  return critical ? sequence(oid(Oid.subjectAltName), boolean(true), octetString(names)) : sequence(oid(Oid.subjectAltName), octetString(names));
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('subjectAltNameExtension', () => {
  const cases: ReadonlyArray<readonly [string, readonly string[], readonly string[], boolean]> = [
    ['one SPIFFE ID', ['spiffe://example.org/ns/prod/sa/web'], [], false],
    ['one SPIFFE ID, critical (empty subject)', ['spiffe://example.org/ns/prod/sa/web'], [], true],
    ['a SPIFFE ID and DNS names', ['spiffe://example.org/web'], ['web.example.org', '*.web.example.org'], false],
    ['a SPIFFE ID longer than 127 octets (long-form lengths)', [`spiffe://example.org/${'a'.repeat(300)}`], [], false],
    ['names whose total passes 255 octets', ['spiffe://example.org/x'], Array.from({ length: 40 }, (_, i) => `host-${i}.example.org`), true],
    ['DNS names only', [], ['a.example.org'], false],
  ];
  for (const [what, uris, dnsNames, critical] of cases) {
    it(`encodes ${what} exactly as the element-by-element encoding`, () => {
      const ext = subjectAltNameExtension({ uris, dnsNames }, critical);
      assert.equal(hex(ext), hex(reference(uris, dnsNames, critical)));
      const decoded = decodeExtensions(readExtensions(new DerReader(sequence(ext), fail, 'x').enter(Tag.SEQUENCE, 'exts'), fail), fail, 'x');
      assert.deepEqual(decoded.subjectAltName?.uris ?? [], uris);
      assert.deepEqual(decoded.subjectAltName?.dnsNames ?? [], dnsNames);
    });
  }

  it('refuses a name that is not ASCII with a TypeError naming it', () => {
    assert.throws(() => subjectAltNameExtension({ uris: ['spiffe://example.org/é'] }), /"spiffe:\/\/example.org\/é" is not ASCII/);
  });
});
