import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrustDomain } from '@signet/spiffe';
import { throwsApiError, type ExpectedApiError } from '../testing/assertions.js';
import { EMPTY_ENTRY_DRAFT, type EntryDraft } from './entry-draft.js';
import { validateEntryChanges, validateNewEntry, type EntryRules } from './validate-entry.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const rules: EntryRules = {
  trustDomain: TrustDomain.parse('example.org'),
  maxX509SvidTtl: 14 * 86_400,
  maxJwtSvidTtl: 86_400,
  now: NOW,
  federatedTrustDomains: new Set(['partner.example']),
};

const good: EntryDraft = {
  ...EMPTY_ENTRY_DRAFT,
  spiffeId: 'spiffe://example.org/ns/prod/sa/api',
  parentId: 'spiffe://example.org/spire/agent/k8s_psat/prod/node-1',
  selectors: [
    { type: 'k8s', value: 'ns:prod' },
    { type: 'k8s', value: 'sa:api' },
  ],
};

const cases: { name: string; draft: Partial<EntryDraft>; expected: ExpectedApiError }[] = [
  { name: 'no SPIFFE ID', draft: { spiffeId: '' }, expected: { code: 'invalid_argument', field: 'entries[0].spiffe_id', message: 'is required' } },
  { name: 'a SPIFFE ID with the wrong scheme', draft: { spiffeId: 'https://example.org/api' }, expected: { code: 'invalid_argument', field: 'entries[0].spiffe_id', message: 'not a valid SPIFFE ID' } },
  { name: 'a SPIFFE ID with a dot segment', draft: { spiffeId: 'spiffe://example.org/a/../b' }, expected: { code: 'invalid_argument', field: 'entries[0].spiffe_id' } },
  { name: 'a SPIFFE ID in another trust domain', draft: { spiffeId: 'spiffe://other.org/api' }, expected: { code: 'invalid_argument', field: 'entries[0].spiffe_id', message: 'not in trust domain "example.org"' } },
  { name: 'the trust domain itself as SPIFFE ID', draft: { spiffeId: 'spiffe://example.org' }, expected: { code: 'invalid_argument', field: 'entries[0].spiffe_id', message: 'not the trust domain itself' } },
  { name: 'an agent ID as SPIFFE ID', draft: { spiffeId: 'spiffe://example.org/spire/agent/x509pop/abc' }, expected: { code: 'invalid_argument', field: 'entries[0].spiffe_id', message: 'reserved namespace' } },
  { name: 'an agent ID even under the server', draft: { spiffeId: 'spiffe://example.org/spire/agent/x', parentId: 'spiffe://example.org/spire/server' }, expected: { code: 'invalid_argument', field: 'entries[0].spiffe_id', message: 'reserved namespace' } },
  { name: 'the server ID as SPIFFE ID', draft: { spiffeId: 'spiffe://example.org/spire/server' }, expected: { code: 'invalid_argument', field: 'entries[0].spiffe_id', message: 'reserved namespace' } },
  { name: 'no parent ID', draft: { parentId: '' }, expected: { code: 'invalid_argument', field: 'entries[0].parent_id', message: 'is required' } },
  { name: 'a parent in another trust domain', draft: { parentId: 'spiffe://other.org/spire/agent/x' }, expected: { code: 'invalid_argument', field: 'entries[0].parent_id', message: 'not in trust domain' } },
  { name: 'the trust domain itself as parent', draft: { parentId: 'spiffe://example.org' }, expected: { code: 'invalid_argument', field: 'entries[0].parent_id' } },
  { name: 'no selectors', draft: { selectors: [] }, expected: { code: 'invalid_argument', field: 'entries[0].selectors', message: 'at least one selector' } },
  { name: 'a selector without a type', draft: { selectors: [{ type: '', value: 'x' }] }, expected: { code: 'invalid_argument', field: 'entries[0].selectors[0].type', message: 'is required' } },
  { name: 'a selector without a value', draft: { selectors: [{ type: 'unix', value: 'uid:1' }, { type: 'unix', value: '' }] }, expected: { code: 'invalid_argument', field: 'entries[0].selectors[1].value', message: 'is required' } },
  { name: 'a selector type with a colon', draft: { selectors: [{ type: 'k8s:ns', value: 'prod' }] }, expected: { code: 'invalid_argument', field: 'entries[0].selectors[0].type', message: 'must not contain ":"' } },
  { name: 'a selector type with a space', draft: { selectors: [{ type: 'k 8s', value: 'prod' }] }, expected: { code: 'invalid_argument', field: 'entries[0].selectors[0].type' } },
  { name: 'the same selector twice', draft: { selectors: [{ type: 'k8s', value: 'a' }, { type: 'k8s', value: 'a' }] }, expected: { code: 'invalid_argument', field: 'entries[0].selectors[1]', message: 'repeats selector k8s:a' } },
  { name: 'an X.509 TTL above the maximum', draft: { x509SvidTtl: 14 * 86_400 + 1 }, expected: { code: 'invalid_argument', field: 'entries[0].x509_svid_ttl', message: 'to 1209600' } },
  { name: 'a negative X.509 TTL', draft: { x509SvidTtl: -1 }, expected: { code: 'invalid_argument', field: 'entries[0].x509_svid_ttl' } },
  { name: 'a JWT TTL above the maximum', draft: { jwtSvidTtl: 86_401 }, expected: { code: 'invalid_argument', field: 'entries[0].jwt_svid_ttl', message: 'to 86400' } },
  { name: 'an empty DNS name', draft: { dnsNames: ['api.example.org', ''] }, expected: { code: 'invalid_argument', field: 'entries[0].dns_names[1]', message: 'must not be empty' } },
  { name: 'a DNS name with an underscore', draft: { dnsNames: ['my_api.example.org'] }, expected: { code: 'invalid_argument', field: 'entries[0].dns_names[0]' } },
  { name: 'a DNS label starting with a hyphen', draft: { dnsNames: ['-api.example.org'] }, expected: { code: 'invalid_argument', field: 'entries[0].dns_names[0]' } },
  { name: 'a wildcard not in the leftmost label', draft: { dnsNames: ['api.*.example.org'] }, expected: { code: 'invalid_argument', field: 'entries[0].dns_names[0]', message: 'leftmost label' } },
  { name: 'a partial wildcard label', draft: { dnsNames: ['api*.example.org'] }, expected: { code: 'invalid_argument', field: 'entries[0].dns_names[0]', message: 'leftmost label' } },
  { name: 'a wildcard over a single label', draft: { dnsNames: ['*.org'] }, expected: { code: 'invalid_argument', field: 'entries[0].dns_names[0]', message: 'at least two labels' } },
  { name: 'a DNS name longer than 253 characters', draft: { dnsNames: [`${'a'.repeat(60)}.`.repeat(5) + 'org'] }, expected: { code: 'invalid_argument', field: 'entries[0].dns_names[0]', message: 'at most 253' } },
  { name: 'the same DNS name in another case', draft: { dnsNames: ['api.example.org', 'API.example.org'] }, expected: { code: 'invalid_argument', field: 'entries[0].dns_names[1]', message: 'repeats' } },
  { name: 'an unknown federated trust domain', draft: { federatesWith: ['partner.example', 'stranger.example'] }, expected: { code: 'invalid_argument', field: 'entries[0].federates_with[1]', message: 'unknown' } },
  { name: 'an invalid federated trust domain', draft: { federatesWith: ['Partner.Example'] }, expected: { code: 'invalid_argument', field: 'entries[0].federates_with[0]', message: 'not a valid trust domain' } },
  { name: 'federating with the own trust domain', draft: { federatesWith: ['example.org'] }, expected: { code: 'invalid_argument', field: 'entries[0].federates_with[0]', message: 'own trust domain' } },
  { name: 'the same federated trust domain twice', draft: { federatesWith: ['partner.example', 'spiffe://partner.example'] }, expected: { code: 'invalid_argument', field: 'entries[0].federates_with[1]', message: 'repeats' } },
  { name: 'a hint longer than 1024 characters', draft: { hint: 'h'.repeat(1025) }, expected: { code: 'invalid_argument', field: 'entries[0].hint', message: 'at most 1024' } },
  { name: 'an expiry in the past', draft: { expiresAt: NOW_S - 1 }, expected: { code: 'invalid_argument', field: 'entries[0].expires_at', message: 'in the past' } },
  { name: 'an expiry of exactly now', draft: { expiresAt: NOW_S }, expected: { code: 'invalid_argument', field: 'entries[0].expires_at', message: 'in the past' } },
  { name: 'an unreadable expiry', draft: { expiresAt: Number.NaN }, expected: { code: 'invalid_argument', field: 'entries[0].expires_at' } },
  { name: 'an expiry after year 9999', draft: { expiresAt: 253_402_300_800 }, expected: { code: 'invalid_argument', field: 'entries[0].expires_at', message: 'before year 10000' } },
  { name: 'an id with a space', draft: { id: 'my entry' }, expected: { code: 'invalid_argument', field: 'entries[0].id' } },
];

describe('entry validation', () => {
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      throwsApiError(() => validateNewEntry({ ...good, ...c.draft }, rules, 'entries[0]'), c.expected);
    });
  }

  it('accepts a full entry and fills in what the datastore needs', () => {
    const input = validateNewEntry(
      {
        ...good,
        id: 'entry-1',
        x509SvidTtl: 3600,
        jwtSvidTtl: 300,
        dnsNames: ['api.example.org', '*.api.example.org'],
        federatesWith: ['spiffe://partner.example'],
        admin: true,
        hint: 'blue',
        expiresAt: NOW_S + 60,
      },
      rules,
      'entries[0]',
    );
    assert.deepEqual(input, {
      id: 'entry-1',
      spiffeId: 'spiffe://example.org/ns/prod/sa/api',
      parentId: 'spiffe://example.org/spire/agent/k8s_psat/prod/node-1',
      selectors: good.selectors,
      x509SvidTtl: 3600,
      jwtSvidTtl: 300,
      dnsNames: ['api.example.org', '*.api.example.org'],
      federatesWith: ['partner.example'],
      admin: true,
      downstream: false,
      hint: 'blue',
      expiresAt: new Date((NOW_S + 60) * 1000),
    });
  });

  it('accepts the limits themselves, the server as parent and a selector value with colons', () => {
    const input = validateNewEntry(
      { ...good, parentId: 'spiffe://example.org/spire/server', selectors: [{ type: 'k8s', value: 'pod-label:app:api' }], x509SvidTtl: 14 * 86_400, jwtSvidTtl: 86_400, hint: 'h'.repeat(1024) },
      rules,
      'e',
    );
    assert.equal(input.parentId, 'spiffe://example.org/spire/server');
    assert.equal(input.id, undefined);
  });

  it('turns empty hint and zero expiry into none', () => {
    const input = validateNewEntry(good, rules, 'e');
    assert.equal(input.hint, null);
    assert.equal(input.expiresAt, null);
  });

  it('checks only the masked fields of an update, and returns only those', () => {
    const draft = { ...EMPTY_ENTRY_DRAFT, selectors: [{ type: 'unix', value: 'uid:1' }], hint: '' };
    assert.deepEqual(validateEntryChanges(draft, rules, 'updates[0].entry', new Set(['selectors', 'hint'])), {
      selectors: [{ type: 'unix', value: 'uid:1' }],
      hint: null,
    });
    throwsApiError(() => validateEntryChanges(draft, rules, 'updates[0].entry', new Set(['spiffeId'])), {
      code: 'invalid_argument',
      field: 'updates[0].entry.spiffe_id',
    });
  });
});
