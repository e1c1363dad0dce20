import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { newX509PopNonce, signX509PopChallenge, unsupportedKeyReason, verifyX509PopResponse, x509PopSignedBytes } from './challenge.js';
import { agentPathTemplateProblem, renderAgentPath } from './agent-path.js';

const keys: { name: string; pair: () => { privateKey: KeyObject; publicKey: KeyObject }; signatureBytes?: number }[] = [
  { name: 'EC P-256', pair: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
  { name: 'EC P-384', pair: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }) },
  { name: 'EC P-521', pair: () => generateKeyPairSync('ec', { namedCurve: 'P-521' }) },
  { name: 'RSA 2048 (PSS)', pair: () => generateKeyPairSync('rsa', { modulusLength: 2048 }), signatureBytes: 256 },
  { name: 'Ed25519', pair: () => generateKeyPairSync('ed25519'), signatureBytes: 64 },
];

describe('x509pop challenge', () => {
  it('signs a fixed context, the trust domain and the nonce', () => {
    const nonce = Uint8Array.from({ length: 32 }, (_, i) => i);
    const bytes = x509PopSignedBytes('example.org', nonce);
    assert.equal(bytes.subarray(0, 28).toString('latin1'), 'signet x509pop challenge v1\0');
    assert.equal(bytes.subarray(28, 40).toString('latin1'), 'example.org\0');
    assert.deepEqual(new Uint8Array(bytes.subarray(40)), nonce);
  });

  for (const k of keys) {
    it(`round-trips with ${k.name} and refuses a different nonce`, () => {
      const { privateKey, publicKey } = k.pair();
      const nonce = newX509PopNonce();
      const signature = signX509PopChallenge(privateKey, 'example.org', nonce);
      if (k.signatureBytes !== undefined) assert.equal(signature.length, k.signatureBytes);
      assert.equal(verifyX509PopResponse(publicKey, 'example.org', nonce, signature), true);
      assert.equal(verifyX509PopResponse(publicKey, 'example.org', newX509PopNonce(), signature), false);
      assert.equal(verifyX509PopResponse(publicKey, 'example.net', nonce, signature), false);
    });
  }

  it('refuses weak or unsupported keys', () => {
    assert.match(unsupportedKeyReason(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey) ?? '', /RSA key of 1024 bits/);
    assert.match(unsupportedKeyReason(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey) ?? '', /EC curve secp256k1/);
    assert.equal(unsupportedKeyReason(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey), undefined);
  });
});

describe('x509pop agent path template', () => {
  const cases = [
    { template: '{fingerprint}', problem: undefined },
    { template: 'dc1/{subject_cn}/{serial}', problem: undefined },
    { template: '{subject_cn}', problem: 'must use {fingerprint} or {serial}' },
    { template: '/{fingerprint}', problem: 'without a leading or trailing "/"' },
    { template: '{fp}', problem: 'unknown placeholder {fp}' },
    { template: '', problem: 'non-empty' },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.template)} is ${c.problem === undefined ? 'accepted' : 'refused'}`, () => {
      const problem = agentPathTemplateProblem(c.template);
      if (c.problem === undefined) assert.equal(problem, undefined);
      else assert.ok(problem?.includes(c.problem), problem);
    });
  }

  it('renders segments, and refuses {subject_cn} when the certificate has none', () => {
    assert.deepEqual(renderAgentPath('dc1/{subject_cn}/{serial}', { fingerprint: 'ff', serial: '0a', subject_cn: 'n1' }), ['dc1', 'n1', '0a']);
    assert.throws(() => renderAgentPath('{subject_cn}/{serial}', { fingerprint: 'ff', serial: '0a', subject_cn: undefined }), /has none/);
  });
});
