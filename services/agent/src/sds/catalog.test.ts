import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { BundleSecretCache } from './bundle-cache.js';
import { SecretCatalog } from './catalog.js';
import { SDS_CONFIG_DEFAULTS } from './config.js';
import { API_ID, identities, OTHER_TD, PARTNER_TD, TD, WEB_ID } from './identities.test-helper.js';
import { SPIFFE_VALIDATOR_NAME } from './protos.js';
import { decodeSecretAny } from './testing/decode.js';
import { viewOf } from './testing/fixtures.js';

const ids = identities();
const view = viewOf({ svids: [ids.web, ids.api], bundle: ids.bundle, federated: [ids.partnerBundle] });

function catalog(v = view, cache?: BundleSecretCache): SecretCatalog {
  return new SecretCatalog(v, { trustDomain: TD, names: SDS_CONFIG_DEFAULTS, ...(cache ? { bundleCache: cache } : {}) });
}

function pemCerts(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g) ?? []).map((block) => new X509Certificate(block));
}

describe('secret catalog', () => {
  const cases: { name: string; form?: 'spiffe' | 'trusted_ca'; expect: null | { type: 'tls'; id: string } | { type: 'vc'; tds: string[] } }[] = [
    { name: WEB_ID, expect: { type: 'tls', id: WEB_ID } },
    { name: API_ID, expect: { type: 'tls', id: API_ID } },
    { name: 'default', expect: { type: 'tls', id: WEB_ID } },
    { name: 'ROOTCA', expect: { type: 'vc', tds: [TD] } },
    { name: `spiffe://${TD}`, expect: { type: 'vc', tds: [TD] } },
    { name: `spiffe://${PARTNER_TD}`, expect: { type: 'vc', tds: [PARTNER_TD] } },
    { name: 'ALL', expect: { type: 'vc', tds: [TD, PARTNER_TD] } },
    { name: `spiffe://${OTHER_TD}`, expect: null },
    { name: 'spiffe://example.org/db', expect: null },
    { name: 'spiffe://example.org/web/', expect: null },
    { name: 'SPIFFE://example.org/web', expect: null },
    { name: '*', expect: null },
    { name: '', expect: null },
    { name: 'rootca', expect: null },
  ];
  for (const c of cases) {
    it(`resolves ${JSON.stringify(c.name)} → ${c.expect === null ? 'nothing (held)' : c.expect.type === 'tls' ? c.expect.id : c.expect.tds.join('+')}`, () => {
      const resource = catalog().resolve(c.name, c.form ?? 'spiffe');
      if (c.expect === null) {
        assert.equal(resource, undefined);
        return;
      }
      assert.ok(resource);
      const secret = decodeSecretAny(resource.any);
      assert.equal(secret.name, c.name, 'Secret.name equals the requested name byte for byte');
      assert.equal(resource.name, c.name);
      assert.match(resource.version, /^[0-9a-f]{16}$/);
      if (c.expect.type === 'tls') {
        assert.equal(secret.type, 'tls_certificate');
        assert.equal(resource.kind, 'tls_certificate');
        const [leaf] = pemCerts(secret.certificateChain ?? '');
        assert.ok(leaf?.subjectAltName?.includes(`URI:${c.expect.id}`));
      } else {
        assert.equal(resource.kind, 'validation_context');
        assert.equal(secret.validator?.name, SPIFFE_VALIDATOR_NAME);
        assert.deepEqual(
          secret.validator?.trustDomains.map((t) => t.name),
          c.expect.tds,
        );
      }
    });
  }

  it('a tls_certificate carries the chain leaf first and a PKCS#8 key matching the leaf', () => {
    const intermediate = ids.ca.childCa();
    const x509 = intermediate.issueX509Svid(WEB_ID);
    const withChain = { ...ids.web, certChain: x509.certificates, privateKey: new Uint8Array(x509.privateKey.export({ format: 'der', type: 'pkcs8' })) };
    const secret = decodeSecretAny(catalog(viewOf({ svids: [withChain], bundle: ids.bundle })).resolve(WEB_ID, 'spiffe')?.any ?? { type_url: '' });
    const chain = pemCerts(secret.certificateChain ?? '');
    assert.equal(chain.length, 2);
    assert.ok(chain[0]?.subjectAltName?.includes(WEB_ID), 'leaf first');
    assert.ok(chain[0]?.verify(chain[1]!.publicKey), 'the leaf is signed by the next certificate');
    assert.ok(chain[1]?.verify(new X509Certificate(ids.ca.certificate).publicKey), 'the intermediate chains to the bundle root');
    assert.match(secret.privateKey ?? '', /^-----BEGIN PRIVATE KEY-----\n/);
    assert.ok(chain[0]?.checkPrivateKey(createPrivateKey(secret.privateKey ?? '')), 'key matches the leaf');
  });

  it('trusted_ca form: PEM roots of the bundle; ALL concatenates every bundle sorted by trust domain', () => {
    const c = catalog();
    const root = decodeSecretAny(c.resolve('ROOTCA', 'trusted_ca')?.any ?? { type_url: '' });
    assert.equal(root.validator, undefined);
    assert.deepEqual(
      pemCerts(root.trustedCa ?? '').map((x) => x.raw.equals(Buffer.from(ids.ca.certificate))),
      [true],
    );
    const all = decodeSecretAny(c.resolve('ALL', 'trusted_ca')?.any ?? { type_url: '' });
    const roots = pemCerts(all.trustedCa ?? '');
    assert.deepEqual(
      roots.map((x) => x.raw),
      [Buffer.from(ids.ca.certificate), Buffer.from(ids.partnerCa.certificate)],
    );
  });

  it('SPIFFE validator: one trust_domains entry per bundle, sorted by name, without scheme, each ≥ 1 certificate', () => {
    const v = viewOf({ svids: [], bundle: ids.bundle, federated: [ids.partnerBundle, ids.otherBundle] });
    const all = decodeSecretAny(catalog(v).resolve('ALL', 'spiffe')?.any ?? { type_url: '' });
    const tds = all.validator?.trustDomains ?? [];
    assert.deepEqual(
      tds.map((t) => t.name),
      [OTHER_TD, TD, PARTNER_TD].sort(),
    );
    for (const td of tds) {
      assert.ok(!td.name.includes('://'));
      assert.ok(pemCerts(td.pem).length >= 1);
    }
    assert.equal(all.trustedCa, undefined, 'either trusted_ca or the custom validator, not both');
  });

  it('a bundle with several roots keeps their order', () => {
    const next = ids.ca.childCa();
    const rotated = { ...ids.bundle, x509Authorities: [ids.ca.certificate, next.certificate] };
    const secret = decodeSecretAny(catalog(viewOf({ bundle: rotated })).resolve('ROOTCA', 'spiffe')?.any ?? { type_url: '' });
    assert.deepEqual(
      pemCerts(secret.validator?.trustDomains[0]?.pem ?? '').map((x) => x.raw),
      [Buffer.from(ids.ca.certificate), Buffer.from(next.certificate)],
    );
  });

  it('output is deterministic: an unchanged view gives byte-identical secrets and versions', () => {
    for (const name of [WEB_ID, 'default', 'ROOTCA', 'ALL', `spiffe://${PARTNER_TD}`]) {
      for (const form of ['spiffe', 'trusted_ca'] as const) {
        const a = catalog().resolve(name, form);
        const b = catalog(viewOf({ svids: [ids.web, ids.api], bundle: ids.bundle, federated: [ids.partnerBundle] })).resolve(name, form);
        assert.ok(a && b);
        assert.ok(Buffer.from(a.any.value).equals(Buffer.from(b.any.value)), `${name} (${form})`);
        assert.equal(a.version, b.version);
      }
    }
  });

  it('the two forms and different names give different versions', () => {
    const c = catalog();
    const versions = ['ROOTCA', `spiffe://${TD}`].flatMap((n) => [c.resolve(n, 'spiffe')?.version, c.resolve(n, 'trusted_ca')?.version]);
    assert.equal(new Set(versions).size, 4);
  });

  it('a federated bundle is only served to workloads that federate with it', () => {
    const plain = viewOf({ svids: [ids.web], bundle: ids.bundle });
    assert.equal(catalog(plain).resolve(`spiffe://${PARTNER_TD}`, 'spiffe'), undefined);
    const all = decodeSecretAny(catalog(plain).resolve('ALL', 'spiffe')?.any ?? { type_url: '' });
    assert.deepEqual(
      all.validator?.trustDomains.map((t) => t.name),
      [TD],
    );
  });

  it('before the first sync (no bundle) bundle names are held; SVIDs still resolve', () => {
    const c = catalog(viewOf({ svids: [ids.web] }));
    assert.equal(c.resolve('ROOTCA', 'spiffe'), undefined);
    assert.equal(c.resolve('ALL', 'spiffe'), undefined);
    assert.equal(c.resolve(`spiffe://${TD}`, 'trusted_ca'), undefined);
    assert.ok(c.resolve('default', 'spiffe'));
  });

  it('a workload with no SVID has no default secret', () => {
    assert.equal(catalog(viewOf({ bundle: ids.bundle })).resolve('default', 'spiffe'), undefined);
  });

  it('bundles without X.509 roots are left out (a federated one) or held (the own one)', () => {
    const jwtOnly = { ...ids.partnerBundle, x509Authorities: [] };
    const c = catalog(viewOf({ bundle: ids.bundle, federated: [jwtOnly] }));
    assert.equal(c.resolve(`spiffe://${PARTNER_TD}`, 'spiffe'), undefined);
    assert.deepEqual(
      decodeSecretAny(c.resolve('ALL', 'spiffe')?.any ?? { type_url: '' }).validator?.trustDomains.map((t) => t.name),
      [TD],
    );
    assert.equal(catalog(viewOf({ bundle: { ...ids.bundle, x509Authorities: [] } })).resolve('ROOTCA', 'spiffe'), undefined);
  });

  it('configured names replace the SPIRE defaults', () => {
    const c = new SecretCatalog(view, { trustDomain: TD, names: { defaultSvidName: 'my-cert', defaultBundleName: 'my-ca', allBundlesName: 'everything' } });
    assert.equal(c.resolve('default', 'spiffe'), undefined);
    assert.equal(c.resolve('ROOTCA', 'spiffe'), undefined);
    assert.equal(decodeSecretAny(c.resolve('my-cert', 'spiffe')?.any ?? { type_url: '' }).name, 'my-cert');
    assert.equal(c.resolve('my-ca', 'spiffe')?.kind, 'validation_context');
    assert.equal(c.resolve('everything', 'spiffe')?.kind, 'validation_context');
  });

  it('each secret is encoded once per catalog, and bundles once per content across catalogs', () => {
    const cache = new BundleSecretCache();
    const a = catalog(view, cache);
    assert.equal(a.resolve('ROOTCA', 'spiffe'), a.resolve('ROOTCA', 'spiffe'));
    assert.equal(a.resolve(WEB_ID, 'spiffe'), a.resolve(WEB_ID, 'trusted_ca'), 'certificates do not depend on the form');
    const b = catalog(viewOf({ svids: [ids.api], bundle: { ...ids.bundle } }), cache);
    assert.equal(b.resolve('ROOTCA', 'spiffe'), a.resolve('ROOTCA', 'spiffe'), 'same bundle content, another workload: same encoding');
    assert.deepEqual(cache.stats(), { entries: 1, hits: 1, misses: 1 });
  });

  it('a catalog replacing one with the same bundle objects (an SVID rotation) reuses its bundle secrets, not its SVIDs', () => {
    const cache = new BundleSecretCache();
    const before = catalog(view, cache);
    const bundles = ['ROOTCA', 'ALL', `spiffe://${PARTNER_TD}`].map((name) => before.resolve(name, 'spiffe'));
    const rotated = { ...view, svids: [ids.api, ids.web] };
    const after = new SecretCatalog(rotated, { trustDomain: TD, names: SDS_CONFIG_DEFAULTS, bundleCache: cache }, before);
    const lookups = cache.stats().hits + cache.stats().misses;
    assert.deepEqual(['ROOTCA', 'ALL', `spiffe://${PARTNER_TD}`].map((name) => after.resolve(name, 'spiffe')), bundles);
    assert.equal(cache.stats().hits + cache.stats().misses, lookups, 'no bundle looked up again');
    assert.equal(decodeSecretAny(after.resolve('default', 'spiffe')!.any).name, 'default');
    assert.notEqual(after.resolve('default', 'spiffe')!.version, before.resolve('default', 'spiffe')!.version, 'the SVID follows the new view');
  });

  it('a catalog replacing one with the same SVID list (a bundle change, a CA rotation\'s first step) reuses its SVID secrets, not its bundles', () => {
    const before = catalog(view);
    const svids = ['default', WEB_ID].map((name) => before.resolve(name, 'spiffe'));
    const oldRoot = before.resolve('ROOTCA', 'spiffe');
    const rebundled = { ...view, bundle: { ...ids.bundle, x509Authorities: [...ids.bundle.x509Authorities, ...ids.partnerBundle.x509Authorities] } };
    const after = new SecretCatalog(rebundled, { trustDomain: TD, names: SDS_CONFIG_DEFAULTS }, before);
    for (const [i, name] of ['default', WEB_ID].entries()) assert.equal(after.resolve(name, 'spiffe'), svids[i], `${name}: the same encoded secret`);
    assert.notEqual(after.resolve('ROOTCA', 'spiffe')!.version, oldRoot!.version, 'the bundle follows the new view');
    const otherSvids = new SecretCatalog({ ...view, svids: [...view.svids] }, { trustDomain: TD, names: SDS_CONFIG_DEFAULTS }, before);
    assert.notEqual(otherSvids.resolve('default', 'spiffe'), svids[0], 'another SVID list (even with equal content) is encoded again');
    assert.equal(otherSvids.resolve('default', 'spiffe')!.version, svids[0]!.version, '...to the same bytes');
  });

  it('a catalog whose view holds other bundle objects classifies and encodes its bundles again', () => {
    const before = catalog(view);
    const root = before.resolve('ROOTCA', 'spiffe');
    const changed = viewOf({ svids: [ids.web], bundle: { ...ids.bundle, x509Authorities: [...ids.bundle.x509Authorities].reverse() }, federated: [ids.partnerBundle] });
    const after = new SecretCatalog(changed, { trustDomain: TD, names: SDS_CONFIG_DEFAULTS }, before);
    assert.notEqual(after.resolve('ROOTCA', 'spiffe'), root);
    assert.equal(after.resolve(`spiffe://${OTHER_TD}`, 'spiffe'), undefined);
  });
});
