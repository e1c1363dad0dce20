// Bundle sets: bundles keyed by trust domain, serving as bundle sources for verification.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { BundleNotFoundError } from '../errors.js';
import { SpiffeId, TrustDomain } from '../id/index.js';
import { mintJwtSvid, parseAndValidateJwtSvid } from '../svid/jwt/index.js';
import { selfSignedCa } from './fixtures.test-helper.js';
import { JwtBundle } from './jwt-bundle.js';
import { JwtBundleSet, SpiffeBundleSet, X509BundleSet } from './set.js';
import { SpiffeBundle } from './spiffe-bundle.js';
import { X509Bundle } from './x509-bundle.js';

const a = TrustDomain.parse('a.example');
const b = TrustDomain.parse('b.example');
const c = TrustDomain.parse('c.example');
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const cert = selfSignedCa(key.privateKey, key.publicKey);

describe('BundleSet (through JwtBundleSet)', () => {
  it('adds, gets, checks and removes bundles by trust domain', () => {
    const set = new JwtBundleSet();
    const ba = JwtBundle.empty(a);
    set.add(ba);
    assert.equal(set.size, 1);
    assert.equal(set.get(TrustDomain.parse('a.example')), ba);
    assert.ok(set.has(a));
    assert.equal(set.has(b), false);
    assert.equal(set.get(b), undefined);
    assert.equal(set.remove(a), true);
    assert.equal(set.remove(a), false);
    assert.equal(set.size, 0);
  });

  it('replaces the bundle of a trust domain that is added again', () => {
    const first = JwtBundle.empty(a);
    const second = first.withKey('k', key.publicKey);
    const set = new JwtBundleSet([first, second]);
    assert.equal(set.size, 1);
    assert.equal(set.get(a), second);
  });

  it('lists trust domains and iterates bundles sorted by name', () => {
    const set = new JwtBundleSet([JwtBundle.empty(c), JwtBundle.empty(a), JwtBundle.empty(b)]);
    assert.deepEqual(set.trustDomains().map(String), ['a.example', 'b.example', 'c.example']);
    assert.deepEqual([...set].map((x) => x.trustDomain.name), ['a.example', 'b.example', 'c.example']);
    assert.deepEqual(set.bundles().map((x) => x.trustDomain.name), ['a.example', 'b.example', 'c.example']);
  });
});

describe('sets as bundle sources', () => {
  it('X509BundleSet hands out the X.509 bundle of a trust domain', () => {
    const xb = X509Bundle.fromAuthorities(a, [cert]);
    const set = new X509BundleSet([xb]);
    assert.equal(set.getX509BundleForTrustDomain(a), xb);
    assert.equal(set.getX509BundleForTrustDomain(b), undefined);
  });

  it('SpiffeBundleSet hands out X.509, JWT and SPIFFE bundles', () => {
    const sb = SpiffeBundle.fromX509AndJwt(X509Bundle.fromAuthorities(a, [cert]), JwtBundle.fromKeys(a, [['k', key.publicKey]]));
    const set = new SpiffeBundleSet([sb]);
    assert.equal(set.getSpiffeBundleForTrustDomain(a), sb);
    assert.equal(set.getX509BundleForTrustDomain(a), sb.x509Bundle());
    assert.equal(set.getJwtBundleForTrustDomain(a), sb.jwtBundle());
    assert.equal(set.getSpiffeBundleForTrustDomain(c), undefined);
    assert.equal(set.getX509BundleForTrustDomain(c), undefined);
    assert.equal(set.getJwtBundleForTrustDomain(c), undefined);
  });

  it('validates JWT-SVIDs of federated trust domains against the right bundle, and none after removal', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const set = new SpiffeBundleSet([SpiffeBundle.empty(b), SpiffeBundle.empty(a).withJwtBundle(JwtBundle.fromKeys(a, [['k', key.publicKey]]))]);
    const token = mintJwtSvid({ id: SpiffeId.fromSegments(a, 'web'), audience: 'api', key: key.privateKey, kid: 'k', now, ttlSeconds: 60 });
    assert.equal(parseAndValidateJwtSvid(token, set, { audience: 'api', now }).id.toString(), 'spiffe://a.example/web');
    set.remove(a);
    assert.throws(() => parseAndValidateJwtSvid(token, set, { audience: 'api', now }), BundleNotFoundError);
  });
});
