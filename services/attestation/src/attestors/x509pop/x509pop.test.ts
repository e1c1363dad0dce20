import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '@signet/platform';
import { TrustDomain } from '@signet/spiffe';
import { TestCa, type TestCertificate } from '@signet/spiffe/testing';
import { rejectsWithApi } from '../../testing/assertions.js';
import type { ChallengeFn } from '../attestor.js';
import { loadTrustAnchors, type TrustAnchors } from './chain.js';
import { signX509PopChallenge, X509POP_NONCE_BYTES } from './challenge.js';
import { encodeX509PopPayload } from './payload.js';
import { x509PopAttestor } from './x509pop.js';

const td = TrustDomain.parse('example.org');
const clock = new FakeClock();
const sha1 = (der: Uint8Array) => createHash('sha1').update(der).digest('hex');
const sha256 = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

/** A node answering challenges with `cert`'s key, for `trustDomain`. */
function answerWith(cert: TestCertificate, trustDomain = 'example.org'): ChallengeFn {
  return async (nonce) => {
    assert.equal(nonce.length, X509POP_NONCE_BYTES);
    return signX509PopChallenge(cert.privateKey!, trustDomain, nonce);
  };
}

describe('x509pop attestor', () => {
  let dir: string;
  let nodeCa: TestCa;
  let intermediate: TestCa;
  let otherCa: TestCa;
  let anchors: TrustAnchors;
  const ctx = () => ({ trustDomain: td, now: clock.now() });

  before(async () => {
    nodeCa = TestCa.create('nodes.example', { now: clock.now(), ttlSeconds: 30 * 86_400 });
    intermediate = nodeCa.childCa({ ttlSeconds: 10 * 86_400 });
    otherCa = TestCa.create('other.example', { now: clock.now() });
    dir = await mkdtemp(join(tmpdir(), 'signet-x509pop-'));
    const bundlePath = join(dir, 'node-ca.pem');
    await writeFile(bundlePath, new X509Certificate(nodeCa.certificate).toString());
    anchors = await loadTrustAnchors([bundlePath]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('attests a node whose certificate a configured CA issued, with its fingerprint as agent ID', async () => {
    const leaf = nodeCa.issueCertificate({ subject: { commonName: 'node-1' }, dnsNames: ['node-1.example.org', 'n1.internal'] });
    const result = await x509PopAttestor({ anchors }).attest(encodeX509PopPayload(leaf.chain), answerWith(leaf), ctx());
    const serial = new X509Certificate(leaf.certificate).serialNumber.toLowerCase();
    assert.equal(result.agentId.toString(), `spiffe://example.org/spire/agent/x509pop/${sha1(leaf.certificate)}`);
    assert.deepEqual(
      result.selectors.map((s) => `${s.type}:${s.value}`),
      [
        'x509pop:subject:cn:node-1',
        'x509pop:san:dns:node-1.example.org',
        'x509pop:san:dns:n1.internal',
        `x509pop:ca:fingerprint:${sha1(nodeCa.certificate)}`,
        `x509pop:serialnumber:${serial.replace(/^(00)+/, '')}`,
      ],
    );
    assert.equal(result.canReattest, true);
  });

  it('attests through an intermediate with an RSA node key, naming every CA of the path', async () => {
    const leaf = intermediate.issueCertificate({ subject: { commonName: 'node-2' }, keyType: 'rsa-2048' });
    const result = await x509PopAttestor({ anchors, fingerprint: 'sha256', agentPathTemplate: 'dc1/{subject_cn}' }).attest(
      encodeX509PopPayload(leaf.chain),
      answerWith(leaf),
      ctx(),
    );
    assert.equal(result.agentId.toString(), 'spiffe://example.org/spire/agent/x509pop/dc1/node-2');
    const cas = result.selectors.filter((s) => s.value.startsWith('ca:fingerprint:')).map((s) => s.value);
    assert.deepEqual(cas, [`ca:fingerprint:${sha256(intermediate.certificate)}`, `ca:fingerprint:${sha256(nodeCa.certificate)}`]);
  });

  const refusals: { name: string; run: () => Promise<unknown>; code: 'permission_denied' | 'invalid_argument'; message: string; field: string }[] = [
    {
      name: 'refuses a certificate from a CA that is not configured',
      run: () => {
        const leaf = otherCa.issueCertificate({ subject: { commonName: 'intruder' } });
        return x509PopAttestor({ anchors }).attest(encodeX509PopPayload(leaf.chain), answerWith(leaf), ctx());
      },
      code: 'permission_denied',
      message: 'does not chain to a configured CA',
      field: 'params.payload',
    },
    {
      name: 'refuses an expired node certificate',
      run: () => {
        const leaf = nodeCa.issueCertificate({ notBefore: new Date(clock.nowMs() - 7_200_000), notAfter: new Date(clock.nowMs() - 3_600_000) });
        return x509PopAttestor({ anchors }).attest(encodeX509PopPayload(leaf.chain), answerWith(leaf), ctx());
      },
      code: 'permission_denied',
      message: 'the node certificate expired at',
      field: 'params.payload',
    },
    {
      name: 'refuses a node certificate that is not valid yet',
      run: () => {
        const leaf = nodeCa.issueCertificate({ notBefore: new Date(clock.nowMs() + 3_600_000), notAfter: new Date(clock.nowMs() + 7_200_000) });
        return x509PopAttestor({ anchors }).attest(encodeX509PopPayload(leaf.chain), answerWith(leaf), ctx());
      },
      code: 'permission_denied',
      message: 'is not valid before',
      field: 'params.payload',
    },
    {
      name: 'refuses a signature over another nonce',
      run: () => {
        const leaf = nodeCa.issueCertificate();
        return x509PopAttestor({ anchors }).attest(encodeX509PopPayload(leaf.chain), async (nonce) => signX509PopChallenge(leaf.privateKey!, 'example.org', nonce.map((b) => b ^ 1)), ctx());
      },
      code: 'permission_denied',
      message: 'the signature does not verify',
      field: 'challenge_response',
    },
    {
      name: 'refuses a signature made for another trust domain',
      run: () => {
        const leaf = nodeCa.issueCertificate();
        return x509PopAttestor({ anchors }).attest(encodeX509PopPayload(leaf.chain), answerWith(leaf, 'other.org'), ctx());
      },
      code: 'permission_denied',
      message: 'the signature does not verify',
      field: 'challenge_response',
    },
    {
      name: 'refuses a signature by another key',
      run: () => {
        const leaf = nodeCa.issueCertificate();
        const stranger = nodeCa.issueCertificate();
        return x509PopAttestor({ anchors }).attest(encodeX509PopPayload(leaf.chain), answerWith(stranger), ctx());
      },
      code: 'permission_denied',
      message: 'the signature does not verify',
      field: 'challenge_response',
    },
    {
      name: 'refuses a CA certificate as the node certificate',
      run: () => {
        const ca = nodeCa.childCa();
        return x509PopAttestor({ anchors }).attest(encodeX509PopPayload([ca.certificate]), async () => new Uint8Array(64), ctx());
      },
      code: 'permission_denied',
      message: 'is a CA certificate',
      field: 'params.payload',
    },
    {
      name: 'refuses an intermediate that is not a CA',
      run: () => {
        const fake = nodeCa.childCa({ defects: { basicConstraints: { ca: false } } });
        const leaf = fake.issueCertificate();
        return x509PopAttestor({ anchors }).attest(encodeX509PopPayload(leaf.chain), answerWith(leaf), ctx());
      },
      code: 'permission_denied',
      message: 'does not chain to a configured CA',
      field: 'params.payload',
    },
    {
      name: 'rejects a payload that is not DER certificates',
      run: () => x509PopAttestor({ anchors }).attest(Buffer.from('not a certificate'), async () => new Uint8Array(), ctx()),
      code: 'invalid_argument',
      message: 'is not a DER X.509 certificate',
      field: 'params.payload',
    },
    {
      name: 'rejects an empty payload',
      run: () => x509PopAttestor({ anchors }).attest(new Uint8Array(), async () => new Uint8Array(), ctx()),
      code: 'invalid_argument',
      message: 'the node certificate chain is required',
      field: 'params.payload',
    },
  ];
  for (const r of refusals) {
    it(r.name, async () => {
      await rejectsWithApi(r.run(), r.code, r.message, r.field);
    });
  }

  it('does not challenge a node whose chain is refused', async () => {
    const leaf = otherCa.issueCertificate();
    let challenged = false;
    await assert.rejects(
      x509PopAttestor({ anchors }).attest(encodeX509PopPayload(leaf.chain), async () => {
        challenged = true;
        return new Uint8Array();
      }, ctx()),
    );
    assert.equal(challenged, false);
  });
});
