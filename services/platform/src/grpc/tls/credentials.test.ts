import assert from 'node:assert/strict';
import { constants } from 'node:crypto';
import { describe, test } from 'node:test';
import { X509Svid } from '@signet/spiffe';
import { createLogger } from '../../log/logger.js';
import { captureLogs } from '../../testing/log-capture.js';
import { createTestSpiffeTls } from '../testing.js';
import { peerChainOf } from './peer-chain.js';
import { RotatingServerContext } from './server-context.js';
import { SourceCertificateProvider } from './source-certificate-provider.js';
import { X509BundleHolder } from './sources.js';

const logger = createLogger({ level: 'warn', service: 'test', destination: captureLogs().stream });

describe('RotatingServerContext', () => {
  test('keeps its options until the SVID changes, and keeps TLS 1.2+ without session tickets', () => {
    const pki = createTestSpiffeTls();
    const svid = pki.svidSource('spiffe://example.org/signet/ca');
    const context = new RotatingServerContext({ svidSource: svid, bundleSource: pki.bundleSource }, logger);
    const first = context.options();
    assert.equal(context.options(), first, 'nothing changed: the same options');
    const same = svid.getX509Svid().marshal();
    svid.set(X509Svid.parse(same.certificates, same.privateKey));
    assert.equal(context.options(), first, 'an equal SVID in a new object changes nothing');
    svid.set(pki.issue('spiffe://example.org/signet/ca'));
    const second = context.options();
    assert.notEqual(second, first);
    assert.notEqual(second.cert, first.cert);
    assert.equal(second.minVersion, 'TLSv1.2');
    assert.equal(second.secureOptions, constants.SSL_OP_NO_TICKET);
    assert.equal(second.ca, pki.ca.x509Bundle().toPem());
  });

  test('follows a changed bundle', () => {
    const pki = createTestSpiffeTls();
    const context = new RotatingServerContext({ svidSource: pki.svidSource('spiffe://example.org/s'), bundleSource: pki.bundleSource }, logger);
    const first = context.options();
    const extra = createTestSpiffeTls().ca.certificate;
    pki.bundleSource.set(pki.ca.x509Bundle().withX509Authority(extra));
    assert.notEqual(context.options().ca, first.ca);
  });
});

describe('SourceCertificateProvider', () => {
  test('gives new listeners the current credentials and pushes rotations', async () => {
    const pki = createTestSpiffeTls();
    const svid = pki.svidSource('spiffe://example.org/agent/a');
    const provider = new SourceCertificateProvider({ trustDomain: pki.trustDomain, bundleSource: pki.bundleSource, svidSource: svid, refreshIntervalMs: 10 });
    const identities: (Buffer | undefined)[] = [];
    const cas: (Buffer | undefined)[] = [];
    const onIdentity = (u: { certificate: Buffer } | null): void => void identities.push(u?.certificate);
    const onCa = (u: { caCertificate: Buffer } | null): void => void cas.push(u?.caCertificate);
    provider.addCaCertificateListener(onCa);
    provider.addIdentityCertificateListener(onIdentity);
    assert.equal(cas[0]?.toString(), pki.ca.x509Bundle().toPem());
    assert.equal(identities[0]?.toString(), svid.getX509Svid().marshal().certificates);

    const next = pki.issue('spiffe://example.org/agent/a');
    svid.set(next);
    const deadline = Date.now() + 2_000;
    while (identities.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(identities[1]?.toString(), next.marshal().certificates);
    assert.equal(cas.length, 1, 'an unchanged bundle is not pushed again');
    provider.removeCaCertificateListener(onCa);
    provider.removeIdentityCertificateListener(onIdentity);
  });

  test('pushes null when the trust domain has no bundle, so connections fail instead of trusting nothing', () => {
    const pki = createTestSpiffeTls();
    const provider = new SourceCertificateProvider({ trustDomain: pki.trustDomain, bundleSource: new X509BundleHolder(), refreshIntervalMs: 1_000 });
    const got: unknown[] = [];
    const listener = (u: unknown): void => void got.push(u);
    provider.addCaCertificateListener(listener);
    provider.removeCaCertificateListener(listener);
    assert.deepEqual(got, [null]);
  });
});

describe('peerChainOf', () => {
  test('is empty when the peer sent no certificate', () => {
    assert.deepEqual(peerChainOf(undefined), []);
    assert.deepEqual(peerChainOf({} as never), []);
  });
});
