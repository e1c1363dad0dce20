import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SECRET_LENGTH, SecretRegistry } from './secret-registry.js';
import { isSecretKey } from './secret-keys.js';

const BODY = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg';

describe('SecretRegistry.scrub', () => {
  const registry = new SecretRegistry();
  registry.add('s3cr3t"quote\\slash');
  registry.add('p@ss/word');
  const cases: { name: string; input: string; expected: string }[] = [
    {
      name: 'PKCS#8 private key block',
      input: `key:\n-----BEGIN PRIVATE KEY-----\n${BODY}\n-----END PRIVATE KEY-----\nafter`,
      expected: 'key:\n[REDACTED PRIVATE KEY]\nafter',
    },
    {
      name: 'RSA and encrypted private key labels',
      input: `-----BEGIN RSA PRIVATE KEY-----\n${BODY}\n-----END RSA PRIVATE KEY----- and -----BEGIN ENCRYPTED PRIVATE KEY-----\n${BODY}\n-----END ENCRYPTED PRIVATE KEY-----`,
      expected: '[REDACTED PRIVATE KEY] and [REDACTED PRIVATE KEY]',
    },
    {
      name: 'private key block cut off before its end line',
      input: `oops -----BEGIN EC PRIVATE KEY-----\n${BODY}`,
      expected: 'oops [REDACTED PRIVATE KEY]',
    },
    {
      name: 'private key block inside JSON text with escaped newlines',
      input: `{"pem":"-----BEGIN PRIVATE KEY-----\\n${BODY}\\n-----END PRIVATE KEY-----\\n"}`,
      expected: '{"pem":"[REDACTED PRIVATE KEY]\\n"}',
    },
    {
      name: 'certificates are left alone',
      input: `-----BEGIN CERTIFICATE-----\n${BODY}\n-----END CERTIFICATE-----`,
      expected: `-----BEGIN CERTIFICATE-----\n${BODY}\n-----END CERTIFICATE-----`,
    },
    {
      name: 'JWT between words',
      input: 'token=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl, next',
      expected: 'token=[REDACTED JWT], next',
    },
    {
      name: 'unsigned JWT with an empty signature',
      input: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      expected: '[REDACTED JWT]',
    },
    {
      name: 'base64 text that is not a JWT',
      input: 'id eyJustAWord and a.b.c',
      expected: 'id eyJustAWord and a.b.c',
    },
    {
      name: 'registered secret in raw and JSON-escaped form',
      input: 'raw s3cr3t"quote\\slash json "s3cr3t\\"quote\\\\slash"',
      expected: 'raw [REDACTED] json "[REDACTED]"',
    },
    {
      name: 'registered secret percent-encoded in a URL',
      input: 'postgres://app:p%40ss%2Fword@db/signet',
      expected: 'postgres://app:[REDACTED]@db/signet',
    },
  ];
  for (const c of cases) {
    it(`scrubs ${c.name}`, () => assert.equal(registry.scrub(c.input), c.expected));
  }

  it('refuses secrets too short to scrub safely', () => {
    const r = new SecretRegistry();
    assert.equal(r.add('x'.repeat(MIN_SECRET_LENGTH - 1)), false);
    assert.equal(r.size, 0);
    assert.equal(r.add('x'.repeat(MIN_SECRET_LENGTH)), true);
    assert.equal(r.size, 1);
  });

  it('stops scrubbing a secret once deleted', () => {
    const r = new SecretRegistry();
    r.add('temporary-token');
    assert.equal(r.scrub('a temporary-token'), 'a [REDACTED]');
    assert.equal(r.delete('temporary-token'), true);
    assert.equal(r.scrub('a temporary-token'), 'a temporary-token');
    assert.equal(r.delete('temporary-token'), false);
  });

  it('prefers the longer of two overlapping secrets', () => {
    const r = new SecretRegistry();
    r.add('abcd');
    r.add('abcdefgh');
    assert.equal(r.scrub('abcdefgh'), '[REDACTED]');
  });
});

describe('isSecretKey', () => {
  const cases: [string, boolean][] = [
    ['token', true],
    ['join_token', true],
    ['joinToken', true],
    ['Authorization', true],
    ['set-cookie', true],
    ['private_key', true],
    ['key_pem', true],
    ['db_password', true],
    ['client_secret', true],
    ['tokens_issued', false],
    ['spiffe_id', false],
    ['key_id', false],
    ['trust_domain', false],
  ];
  for (const [key, secret] of cases) {
    it(`${secret ? 'treats' : 'does not treat'} "${key}" as secret`, () => assert.equal(isSecretKey(key), secret));
  }
});
