// Conformance tests for SPIFFE-ID §2 (SPIFFE ID syntax), §2.1 (trust domain), §2.2 (path), §2.3 (length).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SpiffeId, TrustDomain, matchAny, matchId, matchMemberOf, matchOneOf } from './index.js';
import { SpiffeError, SpiffeIdInvalidError, TrustDomainInvalidError } from '../errors.js';

const TD_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789.-_';
const PATH_CHARS = `${TD_CHARS}ABCDEFGHIJKLMNOPQRSTUVWXYZ`;

describe('SpiffeId.parse accepts valid IDs', () => {
  const cases: Array<[string, string, string, string]> = [
    ['a trust domain ID without a path', 'spiffe://example.org', 'example.org', ''],
    ['a one-segment path', 'spiffe://example.org/web', 'example.org', '/web'],
    ['a hierarchical path', 'spiffe://k8s-west.example.com/ns/staging/sa/default', 'k8s-west.example.com', '/ns/staging/sa/default'],
    ['an opaque UUID path', 'spiffe://example.com/9eebccd2-12bf-40a6-b262-65fe0487d453', 'example.com', '/9eebccd2-12bf-40a6-b262-65fe0487d453'],
    ['an IPv4 dotted-quad trust domain (§2.1: not processed differently)', 'spiffe://10.0.0.1/x', '10.0.0.1', '/x'],
    ['a trust domain that is not a DNS name', 'spiffe://under_score..td-/x', 'under_score..td-', '/x'],
    ['mixed-case path segments (§2.4: path is case-sensitive)', 'spiffe://example.org/Payments/MySQL', 'example.org', '/Payments/MySQL'],
    ['segments that merely contain dots', 'spiffe://example.org/.../a.b/..c', 'example.org', '/.../a.b/..c'],
  ];
  for (const [name, input, td, path] of cases) {
    it(`accepts ${name}`, () => {
      const id = SpiffeId.parse(input);
      assert.equal(id.toString(), input);
      assert.equal(id.trustDomain.name, td);
      assert.equal(id.path, path);
      assert.equal(id.isTrustDomainId(), path === '');
    });
  }

  it('accepts every allowed trust domain character', () => {
    for (const c of TD_CHARS) assert.equal(SpiffeId.parse(`spiffe://a${c}b/p`).trustDomain.name, `a${c}b`);
  });

  it('accepts every allowed path character', () => {
    for (const c of PATH_CHARS) assert.equal(SpiffeId.parse(`spiffe://td/x${c}y`).path, `/x${c}y`);
  });
});

describe('SpiffeId.parse rejects invalid IDs with a message naming the rule', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['an empty string', '', /empty/],
    ['a missing scheme', 'example.org/web', /scheme must be "spiffe:\/\/"/],
    ['another scheme (§2: scheme MUST be spiffe)', 'https://example.org/web', /scheme must be "spiffe:\/\/"/],
    ['a scheme without slashes', 'spiffe:example.org', /scheme must be "spiffe:\/\/"/],
    ['upper case in the scheme, showing the lowercase form', 'SPIFFE://example.org/web', /lowercase "spiffe".*use "spiffe:\/\/example\.org\/web"/],
    ['upper case in the trust domain, showing the lowercase form (§2.1)', 'spiffe://Example.ORG/Web', /trust domain must be lowercase.*use "spiffe:\/\/example\.org\/Web"/],
    ['an empty trust domain (§2: non-zero trust domain)', 'spiffe:///web', /trust domain is missing/],
    ['an empty trust domain without path', 'spiffe://', /trust domain is missing/],
    ['a port (§2.1: port MUST be empty)', 'spiffe://example.org:8080/web', /must not contain a port/],
    ['userinfo (§2.1: userinfo MUST be empty)', 'spiffe://user@example.org/web', /must not contain userinfo/],
    ['userinfo with password', 'spiffe://user:pw@example.org', /must not contain (a port|userinfo)/],
    ['a percent-encoded trust domain (§2.1)', 'spiffe://exa%6Dple.org/web', /trust domain must not contain percent-encoded/],
    ['an IPv6 trust domain (§2.1 excludes IPv6)', 'spiffe://[::1]/web', /limited to lowercase letters/],
    ['a disallowed trust domain character', 'spiffe://exa!mple.org/web', /limited to lowercase letters.*"!"/],
    ['a query without path (§2: no query)', 'spiffe://example.org?a=b', /must not contain a query/],
    ['a query after the path', 'spiffe://example.org/web?a=b', /must not contain a query/],
    ['a fragment without path (§2: no fragment)', 'spiffe://example.org#frag', /must not contain a fragment/],
    ['a fragment after the path', 'spiffe://example.org/web#frag', /must not contain a fragment/],
    ['a percent-encoded path (§2.2)', 'spiffe://example.org/w%65b', /path must not contain percent-encoded/],
    ['an empty segment (§2.2)', 'spiffe://example.org/a//b', /must not contain empty segments/],
    ['a trailing slash (§2.2)', 'spiffe://example.org/web/', /must not end with "\/"/],
    ['a lone slash as path (§2.2 trailing slash)', 'spiffe://example.org/', /must not end with "\/"/],
    ['a dot segment (§2.2)', 'spiffe://example.org/a/./b', /dot segments/],
    ['a dot-dot segment (§2.2)', 'spiffe://example.org/a/../b', /dot segments/],
    ['a trailing dot segment', 'spiffe://example.org/a/..', /dot segments/],
    ['a disallowed path character', 'spiffe://example.org/a b', /path segment characters are limited.*" "/],
    ['a non-ASCII path character', 'spiffe://example.org/caf\u00e9', /U\+00E9/],
    ['a control character in the path', 'spiffe://example.org/a\nb', /U\+000A/],
    ['a non-ASCII trust domain', 'spiffe://ex\u00e4mple.org', /limited to lowercase letters/],
  ];
  for (const [name, input, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => SpiffeId.parse(input),
        (err: unknown) => {
          assert.ok(err instanceof SpiffeIdInvalidError, `expected SpiffeIdInvalidError, got ${String(err)}`);
          assert.ok(err instanceof SpiffeError);
          assert.equal(err.code, 'ERR_SPIFFE_ID_INVALID');
          assert.match(err.message, message);
          return true;
        },
      );
      assert.equal(SpiffeId.tryParse(input), undefined);
    });
  }

  it('rejects a non-string with a TypeError (programmer error)', () => {
    assert.throws(() => SpiffeId.parse(42 as unknown as string), TypeError);
  });
});

describe('SPIFFE-ID §2.3 length limits', () => {
  const td255 = 'a'.repeat(255);
  it('accepts a trust domain of exactly 255 bytes', () => {
    assert.equal(TrustDomain.parse(td255).name.length, 255);
    assert.equal(SpiffeId.parse(`spiffe://${td255}`).trustDomain.name, td255);
  });
  it('rejects a trust domain of 256 bytes', () => {
    assert.throws(() => TrustDomain.parse(`${td255}a`), /at most 255/);
    assert.throws(() => SpiffeId.parse(`spiffe://${td255}a/x`), /at most 255/);
  });
  it('accepts a SPIFFE ID of exactly 2048 bytes (MUST support)', () => {
    const prefix = 'spiffe://example.org/';
    const s = prefix + 'p'.repeat(2048 - prefix.length);
    assert.equal(s.length, 2048);
    assert.equal(SpiffeId.parse(s).toString(), s);
    assert.equal(SpiffeId.fromPath(TrustDomain.parse('example.org'), s.slice(prefix.length - 1)).toString(), s);
  });
  it('rejects a SPIFFE ID longer than 2048 bytes (SHOULD NOT generate)', () => {
    const prefix = 'spiffe://example.org/';
    const s = prefix + 'p'.repeat(2049 - prefix.length);
    assert.throws(() => SpiffeId.parse(s), /2049 bytes long; at most 2048/);
    assert.throws(() => SpiffeId.fromPath(TrustDomain.parse('example.org'), s.slice(prefix.length - 1)), /at most 2048/);
  });
});

describe('TrustDomain.parse', () => {
  it('parses a bare name', () => {
    const td = TrustDomain.parse('example.org');
    assert.equal(td.name, 'example.org');
    assert.equal(td.toString(), 'example.org');
    assert.equal(td.idString(), 'spiffe://example.org');
    assert.equal(JSON.stringify({ td }), '{"td":"example.org"}');
  });
  it('takes the trust domain of a SPIFFE ID', () => {
    assert.equal(TrustDomain.parse('spiffe://example.org/ns/a').name, 'example.org');
    assert.equal(TrustDomain.parse('spiffe://example.org').name, 'example.org');
  });
  const bad: Array<[string, string, RegExp]> = [
    ['an empty name', '', /missing/],
    ['upper case, showing the lowercase form', 'Example.Org', /must be lowercase.*use "example\.org"/],
    ['a port', 'example.org:443', /port/],
    ['userinfo', 'me@example.org', /userinfo/],
    ['percent-encoding', 'ex%41mple', /percent-encoded/],
    ['a slash', 'example.org/web', /limited to lowercase/],
    ['a SPIFFE ID with an invalid path', 'spiffe://example.org/a/../b', /dot segments/],
    ['a SPIFFE ID with upper case trust domain', 'spiffe://EXAMPLE.org', /lowercase/],
  ];
  for (const [name, input, message] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => TrustDomain.parse(input),
        (err: unknown) => err instanceof TrustDomainInvalidError && err.code === 'ERR_TRUST_DOMAIN_INVALID' && message.test(err.message),
      );
    });
  }
  it('compares and orders by name', () => {
    const a = TrustDomain.parse('a.org');
    const b = TrustDomain.parse('b.org');
    assert.ok(a.equals(TrustDomain.parse('a.org')));
    assert.ok(!a.equals(b));
    assert.ok(!a.equals(undefined));
    assert.deepEqual([b, a].sort((x, y) => x.compare(y)).map(String), ['a.org', 'b.org']);
  });
});

describe('SpiffeId construction and comparison', () => {
  const td = TrustDomain.parse('example.org');
  it('fromPath builds the canonical string', () => {
    assert.equal(SpiffeId.fromPath(td, '/ns/prod').toString(), 'spiffe://example.org/ns/prod');
    assert.equal(SpiffeId.fromPath(td, '').toString(), 'spiffe://example.org');
  });
  const badPaths: Array<[string, string]> = [
    ['a path without a leading slash', 'web'],
    ['a trailing slash', '/web/'],
    ['a dot-dot segment', '/../etc'],
    ['a percent sign', '/a%20b'],
  ];
  for (const [name, path] of badPaths) {
    it(`fromPath rejects ${name}`, () => assert.throws(() => SpiffeId.fromPath(td, path), SpiffeIdInvalidError));
  }
  it('fromSegments validates each segment', () => {
    assert.equal(SpiffeId.fromSegments(td, 'ns', 'prod').toString(), 'spiffe://example.org/ns/prod');
    assert.throws(() => SpiffeId.fromSegments(td, 'a/b'), /must not contain "\/"/);
    assert.throws(() => SpiffeId.fromSegments(td, ''), /empty segments|end with/);
  });
  it('exposes segments and appends paths immutably', () => {
    const id = SpiffeId.parse('spiffe://example.org/a');
    const longer = id.appendPath('/b/c');
    assert.deepEqual(longer.segments, ['a', 'b', 'c']);
    assert.equal(id.toString(), 'spiffe://example.org/a');
    assert.deepEqual(SpiffeId.parse('spiffe://example.org').segments, []);
  });
  it('memberOf and equals', () => {
    const id = SpiffeId.parse('spiffe://example.org/web');
    assert.ok(id.memberOf(td));
    assert.ok(!id.memberOf(TrustDomain.parse('other.org')));
    assert.ok(id.equals(SpiffeId.parse('spiffe://example.org/web')));
    assert.ok(!id.equals(SpiffeId.parse('spiffe://example.org/Web')), 'paths are case-sensitive');
    assert.ok(!id.equals(null));
    assert.equal(JSON.stringify([id]), '["spiffe://example.org/web"]');
  });
});

describe('matchers', () => {
  const web = SpiffeId.parse('spiffe://example.org/web');
  const api = SpiffeId.parse('spiffe://example.org/api');
  const foreign = SpiffeId.parse('spiffe://other.org/web');
  const cases: Array<[string, (id: SpiffeId) => boolean, SpiffeId, boolean]> = [
    ['matchAny accepts anything', matchAny(), foreign, true],
    ['matchId accepts the same ID', matchId(web), SpiffeId.parse(web.toString()), true],
    ['matchId refuses another ID', matchId(web), api, false],
    ['matchOneOf accepts a listed ID', matchOneOf(web, api), api, true],
    ['matchOneOf refuses an unlisted ID', matchOneOf(web, api), foreign, false],
    ['matchMemberOf accepts a member', matchMemberOf(web.trustDomain), api, true],
    ['matchMemberOf refuses a foreign ID with the same path', matchMemberOf(web.trustDomain), foreign, false],
  ];
  for (const [name, matcher, id, expected] of cases) it(name, () => assert.equal(matcher(id), expected));
});
