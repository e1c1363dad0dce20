import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashJoinToken } from '@signet/datastore';
import { generateJoinToken, joinTokenHashPrefix } from './generate-token.js';

describe('join token values', () => {
  it('are 256 random bits written URL-safe', () => {
    const token = generateJoinToken();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
  });

  it('do not repeat', () => {
    const seen = new Set(Array.from({ length: 2000 }, generateJoinToken));
    assert.equal(seen.size, 2000);
  });

  it('have a short, loggable hash prefix that is not the token', () => {
    const token = generateJoinToken();
    const prefix = joinTokenHashPrefix(token);
    assert.match(prefix, /^[0-9a-f]{12}$/);
    assert.ok(hashJoinToken(token).startsWith(prefix));
    assert.ok(!token.includes(prefix));
  });
});
