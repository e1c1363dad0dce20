import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509SvidInvalidError } from '../../errors.js';
import { dnsNameProblem, validateDnsNames } from './dns-name.js';

describe('dnsNameProblem (RFC 5280 §4.2.1.6, RFC 1123 §2.1)', () => {
  const valid = ['example.org', 'a.b.c.example.org', 'localhost', 'x-1.example.org', '1.example.org', '*.web.example.org', 'xn--bcher-kva.example', 'A.EXAMPLE.ORG', `${'a'.repeat(63)}.org`];
  for (const name of valid) it(`accepts "${name}"`, () => assert.equal(dnsNameProblem(name), undefined));

  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['example.org.', /end with a dot/],
    ['a..b', /empty labels/],
    ['.example.org', /empty labels/],
    ['-a.example.org', /inner hyphens/],
    ['a-.example.org', /inner hyphens/],
    ['under_score.example.org', /inner hyphens/],
    ['bücher.example', /inner hyphens/],
    ['sp ace.example.org', /inner hyphens/],
    ['*.org', /wildcard only above/],
    ['a.*.example.org', /whole left-most label/],
    ['w*.example.org', /whole left-most label/],
    [`${'a'.repeat(64)}.org`, /label of 64/],
    [`${'a.'.repeat(127)}ab`, /at most 253/],
  ];
  for (const [name, re] of invalid) it(`rejects "${name.length > 40 ? `${name.slice(0, 20)}…` : name}"`, () => assert.match(dnsNameProblem(name) ?? '', re));
});

describe('validateDnsNames', () => {
  it('drops case-insensitive duplicates, keeping the first spelling', () => {
    assert.deepEqual(validateDnsNames(['A.example.org', 'b.example.org', 'a.EXAMPLE.org']), ['A.example.org', 'b.example.org']);
  });
  it('names the offending entry', () => {
    assert.throws(() => validateDnsNames(['ok.example.org', 'bad_.org']), (e: Error) => e instanceof X509SvidInvalidError && /dnsNames\[1\] "bad_\.org"/.test(e.message));
  });
  it('throws TypeError for non-strings', () => {
    assert.throws(() => validateDnsNames([42 as never]), TypeError);
    assert.throws(() => validateDnsNames('a.org' as never), TypeError);
  });
});
