import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DerReader, decodeOid, decodeTime, readSingle, type Fail } from './reader.js';
import { Tag } from './tags.js';
import {
  boolean,
  ia5String,
  lengthOfLength,
  namedBitString,
  octetString,
  oid,
  printableString,
  setOf,
  smallInteger,
  time,
  tlv,
  unsignedInteger,
  utf8String,
} from './writer.js';

const fail: Fail = (m) => {
  throw new Error(m);
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('DER writer', () => {
  for (const n of [0, 1, 127, 128, 255, 256, 65535, 65536]) {
    it(`encodes a ${n}-octet element with a minimal length that the reader accepts`, () => {
      const der = octetString(new Uint8Array(n));
      assert.equal(der.byteLength, 1 + lengthOfLength(n) + n);
      assert.equal(readSingle(der, Tag.OCTET_STRING, fail, 'x').value.byteLength, n);
    });
  }

  const oids = ['1.2.840.10045.4.3.2', '2.5.29.19', '1.3.6.1.5.5.7.3.2', '2.999.1', '0.39'];
  for (const o of oids) {
    it(`round-trips OID ${o}`, () => assert.equal(decodeOid(readSingle(oid(o), Tag.OID, fail, 'x').value, fail, 'x'), o));
  }
  it('encodes ecdsa-with-SHA256 as the well-known bytes', () => assert.equal(hex(oid('1.2.840.10045.4.3.2')), '06082a8648ce3d040302'));
  it('refuses malformed OIDs with TypeError', () => {
    for (const bad of ['', '1', '3.1', '1.40', '1.2.a', '1..2', '1.02']) assert.throws(() => oid(bad), TypeError, bad);
  });
  it('refuses a malformed OID again on a second call (failures are not memoized)', () => {
    assert.throws(() => oid('1.02'), TypeError);
    assert.throws(() => oid('1.02'), TypeError);
  });
  it('gives the same encoding on every call of a memoized OID', () => {
    const first = hex(oid('2.5.29.17'));
    assert.equal(first, '0603551d11');
    assert.equal(hex(oid('2.5.29.17')), first);
  });

  const ints: [string, Uint8Array, string][] = [
    ['adds a sign octet when the top bit is set', Uint8Array.of(0x80), '02020080'],
    ['trims leading zero octets', Uint8Array.of(0, 0, 0x05), '020105'],
    ['encodes zero', Uint8Array.of(0, 0), '020100'],
    ['keeps a positive 16-octet serial at 16 octets', Uint8Array.of(0x40, ...new Array(15).fill(1)), `0210${'40' + '01'.repeat(15)}`],
  ];
  for (const [name, magnitude, expected] of ints) it(name, () => assert.equal(hex(unsignedInteger(magnitude)), expected));
  it('encodes small integers', () => {
    assert.equal(hex(smallInteger(2)), '020102');
    assert.equal(hex(smallInteger(255)), '020200ff');
    assert.throws(() => smallInteger(-1), TypeError);
  });

  const bits: [string, number, string][] = [
    ['digitalSignature', 0b1, '03020780'],
    ['digitalSignature + keyEncipherment', 0b101, '030205a0'],
    ['keyCertSign + cRLSign', 0b1100000, '03020106'],
    ['decipherOnly (bit 8, a second octet)', 1 << 8, '0303070080'],
    ['no bits', 0, '030100'],
  ];
  for (const [name, mask, expected] of bits) {
    it(`encodes the named bit string ${name} without trailing zero bits`, () => assert.equal(hex(namedBitString(mask)), expected));
  }

  it('encodes booleans as DER requires', () => {
    assert.equal(hex(boolean(true)), '0101ff');
    assert.equal(hex(boolean(false)), '010100');
  });

  it('sorts SET OF elements', () => assert.equal(hex(setOf(Uint8Array.of(0x02, 1, 9), Uint8Array.of(0x02, 1, 1))), '3106020101020109'));

  it('encodes strings with their tags and refuses invalid characters', () => {
    assert.equal(hex(ia5String('a')), '160161');
    assert.equal(hex(printableString('US')), '13025553');
    assert.equal(hex(utf8String('é')), '0c02c3a9');
    assert.throws(() => ia5String('é'), TypeError);
    assert.throws(() => printableString('a@b'), TypeError);
  });

  const times: [string, string, number, string][] = [
    ['uses UTCTime in 2049', '2049-12-31T23:59:59.999Z', Tag.UTC_TIME, '2049-12-31T23:59:59.000Z'],
    ['uses GeneralizedTime from 2050', '2050-01-01T00:00:00.000Z', Tag.GENERALIZED_TIME, '2050-01-01T00:00:00.000Z'],
    ['uses UTCTime in 1950', '1950-06-01T12:00:00.000Z', Tag.UTC_TIME, '1950-06-01T12:00:00.000Z'],
  ];
  for (const [name, iso, tag, back] of times) {
    it(`${name} (RFC 5280 §4.1.2.5), truncating milliseconds`, () => {
      const der = time(new Date(iso));
      const t = new DerReader(der, fail, 't').next('t');
      assert.equal(t.tag, tag);
      assert.equal(decodeTime(t, fail, 't').toISOString(), back);
    });
  }
  it('refuses years outside 1950–9999', () => {
    assert.throws(() => time(new Date('1949-12-31T00:00:00Z')), TypeError);
    assert.throws(() => time(new Date('+010000-01-01T00:00:00Z')), TypeError);
  });

  it('concatenates parts inside tlv', () => assert.equal(hex(tlv(0x30, Uint8Array.of(1), Uint8Array.of(2, 3))), '3003010203'));
});
