// Strict base64url (RFC 4648 §5, RFC 7515 §2) and base64 (RFC 7517 §4.7 x5c) decoding.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeBase64, decodeBase64url, encodeBase64, encodeBase64url } from './base64url.js';

class TestErr extends Error {}

describe('base64url', () => {
  it('round-trips every length from 0 to 70 bytes', () => {
    for (let n = 0; n <= 70; n++) {
      const b = randomBytes(n);
      const text = encodeBase64url(b);
      assert.doesNotMatch(text, /[=+/]/);
      assert.deepEqual(decodeBase64url(text, 'x', TestErr), b);
    }
  });

  it('encodes strings as UTF-8', () => {
    assert.equal(encodeBase64url('é'), 'w6k');
  });

  const bad: Array<[string, string]> = [
    ['rejects padding', 'AA=='],
    ['rejects the standard-alphabet "+"', 'a+b_'],
    ['rejects the standard-alphabet "/"', 'a/b_'],
    ['rejects whitespace', 'AA AA'],
    ['rejects a length that cannot encode whole bytes (4n+1)', 'AAAAA'],
    ['rejects non-zero trailing bits after two characters', 'AB'],
    ['rejects non-zero trailing bits after three characters', 'AAB'],
    ['rejects a non-string', 42 as unknown as string],
  ];
  for (const [name, text] of bad) {
    it(name, () => assert.throws(() => decodeBase64url(text, 'member "x"', TestErr), (e: Error) => e instanceof TestErr && e.message.startsWith('member "x"')));
  }

  it('accepts the canonical spelling of the same bytes', () => {
    assert.deepEqual(decodeBase64url('AA', 'x', TestErr), Buffer.from([0]));
    assert.deepEqual(decodeBase64url('AAA', 'x', TestErr), Buffer.from([0, 0]));
  });
});

describe('base64 (x5c)', () => {
  it('round-trips random data', () => {
    for (let n = 0; n <= 40; n++) {
      const b = randomBytes(n);
      assert.deepEqual(decodeBase64(encodeBase64(b), 'x', TestErr), b);
    }
  });

  const bad: Array<[string, string]> = [
    ['rejects base64url characters', 'a-b_'],
    ['rejects missing padding', 'AAA'],
    ['rejects non-zero trailing bits', 'AB=='],
    ['rejects embedded whitespace', 'AA\nAA=='],
  ];
  for (const [name, text] of bad) {
    it(name, () => assert.throws(() => decodeBase64(text, 'x5c[0]', TestErr), TestErr));
  }
});
