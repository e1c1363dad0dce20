import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DerReader,
  checkInteger,
  decodeAscii,
  decodeBitString,
  decodeBoolean,
  decodeOid,
  decodeSmallUint,
  decodeTime,
  readSingle,
  type Fail,
  type Tlv,
} from './reader.js';
import { Tag } from './tags.js';

class TestError extends Error {}
const fail: Fail = (m) => {
  throw new TestError(m);
};
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

describe('DerReader', () => {
  it('reads nested elements and exposes raw and value views', () => {
    const r = new DerReader(hex('30 06 02 01 05 04 01 ff'), fail, 'x');
    const seq = r.enter(Tag.SEQUENCE, 'seq');
    const int = seq.read(Tag.INTEGER, 'n');
    assert.deepEqual([...int.raw], [0x02, 0x01, 0x05]);
    assert.deepEqual([...int.value], [0x05]);
    assert.equal(seq.peekTag(), Tag.OCTET_STRING);
    assert.equal(seq.optional(Tag.BOOLEAN, 'b'), undefined);
    assert.deepEqual([...seq.read(Tag.OCTET_STRING, 'o').value], [0xff]);
    assert.ok(seq.atEnd());
    assert.equal(seq.peekTag(), -1);
    r.expectEnd();
  });

  it('reads long-form lengths', () => {
    const body = new Uint8Array(300).fill(7);
    const der = new Uint8Array([0x04, 0x82, 0x01, 0x2c, ...body]);
    const tlv = readSingle(der, Tag.OCTET_STRING, fail, 'x');
    assert.equal(tlv.value.byteLength, 300);
  });

  const malformed: [string, string, number, RegExp][] = [
    ['rejects indefinite lengths', '30 80 00 00', Tag.SEQUENCE, /indefinite length/],
    ['rejects a long-form length below 128', '04 81 05 0102030405', Tag.OCTET_STRING, /not minimally encoded/],
    ['rejects a long-form length with a leading zero octet', '04 82 00 81' + '00'.repeat(129), Tag.OCTET_STRING, /not minimally encoded/],
    ['rejects lengths of more than four octets', '04 85 0100000000', Tag.OCTET_STRING, /too large/],
    ['rejects contents shorter than the declared length', '04 05 0102', Tag.OCTET_STRING, /truncated/],
    ['rejects a missing length octet', '04', Tag.OCTET_STRING, /truncated length/],
    ['rejects multi-byte tags', '1f 81 00 00', 0x1f, /multi-byte tags/],
    ['rejects a wrong tag, naming both', '02 01 00', Tag.SEQUENCE, /expected SEQUENCE, found INTEGER/],
    ['rejects trailing data after the structure', '30 00 00', Tag.SEQUENCE, /after the end/],
  ];
  for (const [name, input, tag, re] of malformed) {
    it(name, () => {
      assert.throws(
        () => readSingle(hex(input), tag, fail, 'x'),
        (e: Error) => e instanceof TestError && re.test(e.message),
      );
    });
  }

  it('names the path of the field in errors', () => {
    const r = new DerReader(hex('30 03 02 01 05'), fail, 'cert');
    const seq = r.enter(Tag.SEQUENCE, 'tbs');
    assert.throws(() => seq.read(Tag.SEQUENCE, 'validity'), { message: 'cert.tbs.validity: expected SEQUENCE, found INTEGER' });
  });

  it('reports a missing element at the end', () => {
    const r = new DerReader(hex('30 00'), fail, 'p').enter(Tag.SEQUENCE, 's');
    assert.throws(() => r.read(Tag.INTEGER, 'n'), /p\.s\.n: missing INTEGER/);
  });

  it('rejects unread trailing elements on expectEnd', () => {
    const r = new DerReader(hex('30 03 02 01 05'), fail, 'p').enter(Tag.SEQUENCE, 's');
    assert.throws(() => r.expectEnd(), /unexpected trailing data \(INTEGER\)/);
  });
});

describe('decodeOid', () => {
  const cases: [string, string][] = [
    ['2a 86 48 ce 3d 02 01', '1.2.840.10045.2.1'],
    ['55 1d 11', '2.5.29.17'],
    ['2b 06 01 05 05 07 03 01', '1.3.6.1.5.5.7.3.1'],
    ['88 37', '2.999'],
  ];
  for (const [bytes, dotted] of cases) {
    it(`decodes ${dotted}`, () => assert.equal(decodeOid(hex(bytes), fail, 'oid'), dotted));
  }
  it('rejects an empty OID', () => assert.throws(() => decodeOid(new Uint8Array(0), fail, 'oid'), /empty/));
  it('rejects an arc with a leading 0x80 octet', () => assert.throws(() => decodeOid(hex('2a 80 01'), fail, 'oid'), /minimally/));
  it('rejects an OID ending inside an arc', () => assert.throws(() => decodeOid(hex('2a 86'), fail, 'oid'), /ends inside/));
});

describe('integers and booleans', () => {
  it('accepts minimal integers', () => {
    for (const h of ['00', '7f', '0080', 'ff', 'ff7f', '0100']) assert.doesNotThrow(() => checkInteger(hex(h), fail, 'i'));
  });
  it('rejects non-minimal integers', () => {
    for (const h of ['0000', '007f', 'ffff', 'ff80']) assert.throws(() => checkInteger(hex(h), fail, 'i'), /minimally/);
  });
  it('rejects an empty integer', () => assert.throws(() => checkInteger(new Uint8Array(0), fail, 'i'), /empty/));
  it('decodes small unsigned integers and rejects negative ones', () => {
    assert.equal(decodeSmallUint(hex('02'), fail, 'v'), 2);
    assert.equal(decodeSmallUint(hex('0100'), fail, 'v'), 256);
    assert.throws(() => decodeSmallUint(hex('ff'), fail, 'v'), /negative/);
    assert.throws(() => decodeSmallUint(hex('0100000000'), fail, 'v'), /too large/);
  });
  it('accepts only 0x00 and 0xFF booleans', () => {
    assert.equal(decodeBoolean(hex('ff'), fail, 'b'), true);
    assert.equal(decodeBoolean(hex('00'), fail, 'b'), false);
    assert.throws(() => decodeBoolean(hex('01'), fail, 'b'), /0x00 or 0xFF/);
    assert.throws(() => decodeBoolean(hex('ffff'), fail, 'b'), /0x00 or 0xFF/);
  });
});

describe('decodeBitString', () => {
  it('returns the bits and the unused-bit count', () => {
    const { bytes, unusedBits } = decodeBitString(hex('05 a0'), fail, 'b');
    assert.deepEqual([...bytes], [0xa0]);
    assert.equal(unusedBits, 5);
  });
  it('rejects non-zero unused bits', () => assert.throws(() => decodeBitString(hex('05 a8'), fail, 'b'), /unused bits must be zero/));
  it('rejects more than 7 unused bits', () => assert.throws(() => decodeBitString(hex('08 00'), fail, 'b'), /at most 7/));
  it('rejects an empty string declaring unused bits', () => assert.throws(() => decodeBitString(hex('03'), fail, 'b'), /empty BIT STRING/));
  it('rejects a missing unused-bits octet', () => assert.throws(() => decodeBitString(new Uint8Array(0), fail, 'b'), /no unused-bits/));
});

describe('decodeTime (RFC 5280 §4.1.2.5)', () => {
  const utc = (s: string): Tlv => ({ tag: Tag.UTC_TIME, raw: new Uint8Array(0), value: ascii(s) });
  const gen = (s: string): Tlv => ({ tag: Tag.GENERALIZED_TIME, raw: new Uint8Array(0), value: ascii(s) });
  const ok: [string, Tlv, string][] = [
    ['reads UTCTime years 00–49 as 20xx', utc('491231235959Z'), '2049-12-31T23:59:59.000Z'],
    ['reads UTCTime years 50–99 as 19xx', utc('500101000000Z'), '1950-01-01T00:00:00.000Z'],
    ['reads GeneralizedTime', gen('20500101000000Z'), '2050-01-01T00:00:00.000Z'],
    ['accepts 29 February of a leap year', gen('20240229120000Z'), '2024-02-29T12:00:00.000Z'],
  ];
  for (const [name, tlv, iso] of ok) it(name, () => assert.equal(decodeTime(tlv, fail, 't').toISOString(), iso));
  const bad: [string, Tlv][] = [
    ['rejects UTCTime without seconds', utc('3001010000Z')],
    ['rejects a time zone offset', utc('300101000000+0100')],
    ['rejects fractional seconds', gen('20300101000000.5Z')],
    ['rejects a non-digit', utc('30010100000aZ')],
    ['rejects 30 February', utc('300230000000Z')],
    ['rejects 29 February of a common year', gen('21000229000000Z')],
    ['rejects hour 24', utc('300101240000Z')],
    ['rejects month 13', utc('301301000000Z')],
  ];
  for (const [name, tlv] of bad) it(name, () => assert.throws(() => decodeTime(tlv, fail, 't'), TestError));
  it('rejects other tags', () => assert.throws(() => decodeTime({ tag: Tag.INTEGER, raw: new Uint8Array(0), value: ascii('x') }, fail, 't'), /UTCTime or GeneralizedTime/));
});

describe('decodeAscii', () => {
  it('decodes ASCII', () => assert.equal(decodeAscii(ascii('spiffe://a/b'), fail, 's'), 'spiffe://a/b'));
  it('rejects bytes of 0x80 and above', () => assert.throws(() => decodeAscii(hex('61 c3 a9'), fail, 's'), /ASCII/));
});
