import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpiffeBundle, TrustDomain } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { bundleJson, jwtKey } from '../testing/fixtures.test-helper.js';
import { BundleFetchError } from './errors.js';
import { decideUpdate, parseFetchedBundle } from './validate.js';

const td = TrustDomain.parse('partner.example');
const ca = TestCa.create(td);
const utf8 = (s: string) => Buffer.from(s, 'utf8');

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof BundleFetchError, String(err));
    return err.kind;
  }
  return 'accepted';
}

describe('parseFetchedBundle', () => {
  it('accepts a SPIFFE bundle document of the trust domain', () => {
    const bundle = parseFetchedBundle(td, utf8(bundleJson(td.name, [ca], { sequence: 3, refreshHint: 60, jwt: [['k1', jwtKey()]] })));
    assert.equal(bundle.sequenceNumber, 3n);
    assert.equal(bundle.refreshHint, 60);
    assert.equal(bundle.x509Authorities().length, 1);
  });

  it('refuses documents that are not bundles, are empty of X.509 authorities, or belong to another trust domain', () => {
    assert.equal(kindOf(() => parseFetchedBundle(td, utf8('not json{'))), 'invalid_bundle');
    assert.equal(kindOf(() => parseFetchedBundle(td, utf8('{"keys": 3}'))), 'invalid_bundle');
    assert.equal(kindOf(() => parseFetchedBundle(td, utf8('{"keys": [], "spiffe_sequence": -1}'))), 'invalid_bundle');
    assert.equal(kindOf(() => parseFetchedBundle(td, utf8('{"keys": []}'))), 'no_authorities');
    assert.equal(kindOf(() => parseFetchedBundle(td, utf8(bundleJson(td.name, [], { jwt: [['k', jwtKey()]] })))), 'no_authorities', 'JWT keys alone');
    const evil = TestCa.create('evil.example');
    assert.equal(kindOf(() => parseFetchedBundle(td, utf8(bundleJson(td.name, [ca, evil])))), 'wrong_trust_domain');
  });
});

describe('decideUpdate', () => {
  const held = (seq: number) => SpiffeBundle.parse(td, bundleJson(td.name, [ca], { sequence: seq }));
  const fetched = (seq: number | undefined, cas = [ca]) => SpiffeBundle.parse(td, bundleJson(td.name, cas, seq === undefined ? {} : { sequence: seq }));

  it('stores a first bundle and a newer one; an equal one is unchanged', () => {
    assert.equal(decideUpdate(undefined, fetched(1), undefined), 'store');
    assert.equal(decideUpdate(held(5), fetched(5), 5n), 'unchanged');
    assert.equal(decideUpdate(held(5), fetched(6, [ca, TestCa.create(td)]), 5n), 'store');
    assert.equal(decideUpdate(held(5), fetched(undefined, [ca, TestCa.create(td)]), 5n), 'store', 'no sequence: the latest retrieved wins (§4.2)');
  });

  it('refuses a lower spiffe_sequence than the last one fetched', () => {
    assert.equal(kindOf(() => decideUpdate(held(5), fetched(4, [TestCa.create(td)]), 5n)), 'stale_sequence');
  });

  it('replaces a bundle set by an operator whatever its sequence (Federation §4.2)', () => {
    assert.equal(decideUpdate(held(99), fetched(4, [TestCa.create(td)]), undefined), 'store', 'nothing fetched yet');
    assert.equal(decideUpdate(held(99), fetched(6, [TestCa.create(td)]), 5n), 'store', 'set by hand after fetch 5');
  });
});
