import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsApiError } from '../testing/assertions.js';
import { nextPageToken, resolvePage } from './page-token.js';

const limits = { defaultPageSize: 100, maxPageSize: 1000 };
const scope = { listing: 'entries', filter: { parentId: 'spiffe://example.org/a' }, limits };

describe('page tokens and sizes', () => {
  it('uses the default size for 0 or no page, and keeps sizes up to the maximum', () => {
    assert.deepEqual(resolvePage(undefined, scope), { pageSize: 100, position: undefined });
    assert.deepEqual(resolvePage({ page_size: 0, page_token: '' }, scope), { pageSize: 100, position: undefined });
    assert.equal(resolvePage({ page_size: 1000 }, scope).pageSize, 1000);
    assert.equal(resolvePage({ page_size: 1 }, scope).pageSize, 1);
  });

  for (const size of [1001, -1, 2.5]) {
    it(`refuses page size ${size}, naming page.page_size`, () => {
      throwsApiError(() => resolvePage({ page_size: size }, scope), { code: 'invalid_argument', field: 'page.page_size', message: 'to 1000' });
    });
  }

  it('round-trips the position of the next page', () => {
    const token = nextPageToken('inner-position', scope);
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.equal(resolvePage({ page_token: token }, scope).position, 'inner-position');
    assert.equal(nextPageToken(undefined, scope), '');
  });

  const token = nextPageToken('inner-position', scope);
  const [body = '', sum = ''] = token.split('.');
  const forged = Buffer.from(JSON.stringify([1, 'entries', 'x', 'other'])).toString('base64url');
  const tampered: [string, string][] = [
    ['garbage', 'not-a-token'],
    ['a changed checksum', `${body}.${sum.slice(0, -1)}${sum.endsWith('A') ? 'B' : 'A'}`],
    ['a changed body', `${body.slice(0, -2)}xx.${sum}`],
    ['a forged body with the old checksum', `${forged}.${sum}`],
    ['no checksum', body],
    ['a truncated token', token.slice(0, token.length - 3)],
  ];
  for (const [name, bad] of tampered) {
    it(`refuses ${name}, naming page.page_token`, () => {
      throwsApiError(() => resolvePage({ page_token: bad }, scope), { code: 'invalid_argument', field: 'page.page_token' });
    });
  }

  it('refuses a token of another listing or of other filters', () => {
    throwsApiError(() => resolvePage({ page_token: token }, { ...scope, listing: 'agents' }), {
      code: 'invalid_argument',
      field: 'page.page_token',
      message: 'another listing',
    });
    throwsApiError(() => resolvePage({ page_token: token }, { ...scope, filter: { parentId: 'spiffe://example.org/b' } }), {
      code: 'invalid_argument',
      field: 'page.page_token',
      message: 'different filters',
    });
  });
});
