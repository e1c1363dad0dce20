import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { JwtBundle, SpiffeBundle, TrustDomain } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { throwsApiError } from '../testing/assertions.js';
import { parseBundleDocument } from './parse-bundle-document.js';

const td = TrustDomain.parse('partner.example');
const ca = TestCa.create(td);
const pem = ca.x509Bundle().toPem();
const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const spiffeJson = SpiffeBundle.fromX509AndJwt(ca.x509Bundle(), JwtBundle.fromKeys(td, [['kid-1', publicKey]]), { sequenceNumber: 7n }).toJson();

/** The certificate PEM with only its first two base64 lines: not a certificate any more. */
function truncatedPem(): string {
  const lines = pem.trim().split('\n');
  return [lines[0], lines[1], lines[2], lines[lines.length - 1]].join('\n') + '\n';
}

describe('bundle documents set by hand', () => {
  it('reads a SPIFFE bundle document with X.509 and JWT authorities and its sequence', () => {
    const bundle = parseBundleDocument(td, 'spiffe', spiffeJson);
    assert.equal(bundle.x509Authorities().length, 1);
    assert.deepEqual([...bundle.jwtAuthorities().keys()], ['kid-1']);
    assert.equal(bundle.sequenceNumber, 7n);
  });

  it('reads PEM as X.509 authorities only', () => {
    const bundle = parseBundleDocument(td, 'pem', pem);
    assert.equal(bundle.x509Authorities().length, 1);
    assert.equal(bundle.jwtAuthorities().size, 0);
    assert.equal(bundle.sequenceNumber, undefined);
  });

  it('recognises the format when none is given', () => {
    assert.equal(parseBundleDocument(td, '', pem).x509Authorities().length, 1);
    assert.equal(parseBundleDocument(td, '', spiffeJson).jwtAuthorities().size, 1);
  });

  const bad: [string, string, string, string, string][] = [
    ['an unknown format', 'jwks', spiffeJson, 'format', 'must be "spiffe", "pem"'],
    ['an empty document', 'spiffe', '  ', 'document', 'is required'],
    ['malformed JSON', 'spiffe', '{"keys": [', 'document', 'not a valid SPIFFE bundle document'],
    ['JSON without keys', 'spiffe', '{"spiffe_sequence": 1}', 'document', 'not a valid SPIFFE bundle document'],
    ['a bundle without authorities', 'spiffe', '{"keys": []}', 'document', 'holds no X.509 or JWT authority'],
    ['PEM holding a private key', 'pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'document', 'not a valid PEM bundle'],
    ['PEM with a corrupt certificate', 'pem', truncatedPem(), 'document', 'not a valid PEM bundle'],
    ['text that is neither', 'pem', 'hello', 'document', 'not a valid PEM bundle'],
  ];
  for (const [name, format, document, field, message] of bad) {
    it(`refuses ${name}`, () => {
      throwsApiError(() => parseBundleDocument(td, format, document), { code: 'invalid_argument', field, message });
    });
  }
});
