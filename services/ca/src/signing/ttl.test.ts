import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '@signet/platform';
import { svidTtlSeconds } from './ttl.js';

const now = new Date(Date.UTC(2030, 0, 1));
const inHours = (h: number) => new Date(now.getTime() + h * 3_600_000);

describe('SVID lifetime', () => {
  const cases: [string, { requested?: number; entryTtl?: number; defaultTtl: number; authorityNotAfter: Date }, number][] = [
    ['nothing asked: the default', { defaultTtl: 3600, authorityNotAfter: inHours(24) }, 3600],
    ['shorter than the default: as asked', { requested: 600, defaultTtl: 3600, authorityNotAfter: inHours(24) }, 600],
    ['longer than the default: the default', { requested: 7200, defaultTtl: 3600, authorityNotAfter: inHours(24) }, 3600],
    ["a shorter entry lifetime shortens the default", { entryTtl: 900, defaultTtl: 3600, authorityNotAfter: inHours(24) }, 900],
    ["a longer entry lifetime is capped by the default", { entryTtl: 7200, defaultTtl: 3600, authorityNotAfter: inHours(24) }, 3600],
    ["asked beyond the entry's: the entry's", { requested: 1000, entryTtl: 900, defaultTtl: 3600, authorityNotAfter: inHours(24) }, 900],
    ['the authority expires first: its remaining life', { defaultTtl: 3600, authorityNotAfter: new Date(now.getTime() + 1_234_500) }, 1234],
  ];
  for (const [name, inputs, expected] of cases) {
    it(name, () => assert.equal(svidTtlSeconds({ ...inputs, now }), expected));
  }

  it('refuses a negative request on the ttl field', () => {
    assert.throws(() => svidTtlSeconds({ requested: -1, defaultTtl: 3600, authorityNotAfter: inHours(1), now }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.apiCode, 'invalid_argument');
      assert.equal(err.field, 'ttl');
      return true;
    });
  });

  it('is unavailable when the authority has less than a second left', () => {
    assert.throws(() => svidTtlSeconds({ defaultTtl: 3600, authorityNotAfter: new Date(now.getTime() + 999), now }), { apiCode: 'unavailable' });
  });
});
