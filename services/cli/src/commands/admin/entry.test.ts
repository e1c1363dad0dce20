/**
 * `signet entry ...` against the real registrar (PGlite behind) on an admin Unix socket.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAdminTestServer, TEST_DEFAULT_PAGE_SIZE, type AdminTestServer } from './test-server.test-helper.js';

const AGENT = 'spiffe://example.org/spire/agent/join_token/node-1';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

interface EntryJson {
  id: string;
  spiffe_id: string;
  parent_id: string;
  selectors: { type: string; value: string }[];
  x509_svid_ttl: number;
  jwt_svid_ttl: number;
  dns_names: string[];
  federates_with: string[];
  admin: boolean;
  downstream: boolean;
  hint: string;
  expires_at: string;
  revision: string;
}

describe('signet entry', () => {
  let t: AdminTestServer;
  before(async () => {
    t = await startAdminTestServer();
  });
  after(() => t.close());

  async function createJson(...flags: string[]): Promise<EntryJson> {
    const r = await t.run(['entry', 'create', '--parent-id', AGENT, '--output', 'json', ...flags]);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { results: { status: { code: number }; entry: EntryJson }[] };
    assert.equal(res.results[0]?.status.code, 0);
    return res.results[0]!.entry;
  }

  it('creates an entry from flags and prints it as a table row', async () => {
    const r = await t.run(['entry', 'create', '--spiffe-id', 'spiffe://example.org/table', '--parent-id', AGENT, '--selector', 'unix:uid:1000', '--x509-svid-ttl', '1h30m']);
    assert.equal(r.code, 0, r.stderr);
    const [header, row] = r.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^ENTRY ID\s+SPIFFE ID\s+PARENT ID\s+SELECTORS\s+X509 TTL\s+JWT TTL\s+EXPIRES$/);
    assert.match(row ?? '', new RegExp(`^${UUID.source}\\s+spiffe://example.org/table\\s+${AGENT}\\s+unix:uid:1000\\s+1h30m\\s+default\\s+never$`));
    assert.equal(r.stderr, '');
  });

  it('creates an entry with every field and prints the registrar response as JSON, int64 as strings', async () => {
    const entry = await createJson(
      '--spiffe-id', 'spiffe://example.org/full', '--selector', 'k8s:ns:prod', '--selector', 'k8s:sa:web', '--dns', 'web.example.org',
      '--x509-svid-ttl', '600', '--jwt-svid-ttl', '5m', '--admin', '--downstream', '--hint', 'blue', '--entry-expiry', '2035-01-01T00:00:00Z',
      '--entry-id', 'full-entry',
    );
    assert.equal(entry.id, 'full-entry');
    assert.deepEqual(entry.selectors, [{ type: 'k8s', value: 'ns:prod' }, { type: 'k8s', value: 'sa:web' }]);
    assert.deepEqual([entry.x509_svid_ttl, entry.jwt_svid_ttl, entry.admin, entry.downstream, entry.hint], [600, 300, true, true, 'blue']);
    assert.deepEqual(entry.dns_names, ['web.example.org']);
    assert.equal(entry.expires_at, String(Date.UTC(2035, 0, 1) / 1000));
    assert.equal(entry.revision, '1');
  });

  it('creates a node entry whose parent is the server ID', async () => {
    const r = await t.run(['entry', 'create', '--node', '--spiffe-id', 'spiffe://example.org/nodes/prod', '--selector', 'k8s_psat:cluster:prod', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).results[0].entry.parent_id, 'spiffe://example.org/spire/server');
  });

  it('creates every entry of a --data file and reports each failed item on its own line', async () => {
    const file = join(t.scratch, 'entries.json');
    const good = (n: number) => ({ spiffe_id: `spiffe://example.org/batch/${n}`, parent_id: AGENT, selectors: [{ type: 'unix', value: `uid:${n}` }], x509_svid_ttl: 60, expires_at: '4102444800' });
    await writeFile(file, JSON.stringify({ entries: [good(1), { ...good(2), selectors: [] }, good(3), { ...good(4), spiffe_id: 'spiffe://other.org/x' }] }));
    const r = await t.run(['entry', 'create', '--data', file]);
    assert.equal(r.code, 1);
    assert.equal((r.stdout.match(/spiffe:\/\/example\.org\/batch\/\d/g) ?? []).join(' '), 'spiffe://example.org/batch/1 spiffe://example.org/batch/3');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'signet: error: entries[1].selectors: at least one selector is required (InvalidArgument)');
    assert.match(lines[1] ?? '', /^signet: error: entries\[3\]\.spiffe_id: .*other\.org.* \(InvalidArgument\)$/);
    assert.equal(lines[2], 'signet: error: 2 of 4 entries failed; 2 created');
  });

  it('updates only the fields given, keeping the others', async () => {
    const created = await createJson('--spiffe-id', 'spiffe://example.org/upd', '--selector', 'unix:uid:7', '--hint', 'keep', '--dns', 'a.example.org', '--admin');
    const r = await t.run(['entry', 'update', '--entry-id', created.id, '--selector', 'unix:uid:8', '--x509-svid-ttl', '2h', '--dns', '', '--no-admin', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const updated = JSON.parse(r.stdout).results[0].entry as EntryJson;
    assert.deepEqual(updated.selectors, [{ type: 'unix', value: 'uid:8' }]);
    assert.deepEqual([updated.x509_svid_ttl, updated.hint, updated.dns_names, updated.admin, updated.revision], [7200, 'keep', [], false, '2']);
    const node = await t.run(['entry', 'update', '--entry-id', created.id, '--node']);
    assert.equal(node.code, 0, node.stderr);
    assert.match(node.stdout, /spiffe:\/\/example\.org\/spire\/server/);
  });

  it('shows one entry as details and as the Entry message in JSON', async () => {
    const created2 = await createJson('--spiffe-id', 'spiffe://example.org/show', '--selector', 'unix:uid:9', '--selector', 'unix:gid:9');
    const shown = await t.run(['entry', 'show', '--entry-id', created2.id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^Entry ID:\\s+${created2.id}\\n`));
    assert.match(shown.stdout, /\nSelector:\s+unix:gid:9\nSelector:\s+unix:uid:9\n/);
    assert.match(shown.stdout, /\nExpires:\s+never\n/);
    const json = await t.run(['entry', 'show', '--entry-id', created2.id, '--output', 'json']);
    assert.deepEqual({ ...JSON.parse(json.stdout), created_at: 'x', updated_at: 'x' }, { ...created2, created_at: 'x', updated_at: 'x' });
  });

  it('lists with filters, following every page unless --page-size asks for one', async () => {
    for (let n = 0; n < 7; n++) await createJson('--spiffe-id', `spiffe://example.org/paged/${n}`, '--selector', `unix:uid:${100 + n}`, '--selector', 'k8s:ns:paged', '--hint', 'paged');
    const all = await t.run(['entry', 'list', '--hint', 'paged', '-o', 'json']);
    assert.equal(all.code, 0, all.stderr);
    const listed = JSON.parse(all.stdout) as { entries: EntryJson[]; next_page_token: string };
    assert.ok(listed.entries.length === 7 && listed.entries.length > TEST_DEFAULT_PAGE_SIZE);
    assert.equal(listed.next_page_token, '');
    const page = await t.run(['entry', 'list', '--hint', 'paged', '--page-size', '2']);
    assert.equal(page.code, 0, page.stderr);
    const token = /Next page token: (\S+)\n$/.exec(page.stdout)?.[1];
    assert.ok(token !== undefined, page.stdout);
    assert.equal(page.stdout.split('\n').filter((l) => l.includes('spiffe://example.org/paged/')).length, 2);
    const next = JSON.parse((await t.run(['entry', 'list', '--hint', 'paged', '--page-size', '2', '--page-token', token, '-o', 'json'])).stdout) as { entries: EntryJson[] };
    assert.equal(next.entries.length, 2);
    const cases: Array<{ flags: string[]; count: number }> = [
      { flags: ['--selector', 'k8s:ns:paged'], count: 7 },
      { flags: ['--selector', 'k8s:ns:paged', '--match', 'exact'], count: 0 },
      { flags: ['--selector', 'k8s:ns:paged', '--selector', 'unix:uid:103', '--match', 'exact'], count: 1 },
      { flags: ['--selector', 'unix:uid:101', '--selector', 'unix:uid:102', '--match', 'any'], count: 2 },
      { flags: ['--spiffe-id', 'spiffe://example.org/paged/4'], count: 1 },
    ];
    for (const c of cases) {
      const r = await t.run(['entry', 'list', '--hint', 'paged', ...c.flags, '-o', 'json']);
      assert.equal(JSON.parse(r.stdout).entries.length, c.count, c.flags.join(' '));
    }
    const none = await t.run(['entry', 'list', '--spiffe-id', 'spiffe://example.org/nobody']);
    assert.equal(none.stdout, 'No entries found.\n');
  });

  it('deletes entries, reporting unknown ids', async () => {
    const a = await createJson('--spiffe-id', 'spiffe://example.org/del/a', '--selector', 'unix:uid:1');
    const ok = await t.run(['entry', 'delete', '--entry-id', a.id]);
    assert.deepEqual([ok.code, ok.stdout], [0, `Deleted entry ${a.id}\n`]);
    const gone = await t.run(['entry', 'delete', '--entry-id', a.id]);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, `signet: error: ids[0]: no entry with id "${a.id}" (NotFound)\n`);
  });

  describe('refuses bad input', () => {
    const cases: Array<{ name: string; argv: string[]; code: number; stderr: RegExp }> = [
      { name: 'an unknown flag', argv: ['entry', 'create', '--bogus'], code: 2, stderr: /--bogus.*signet entry create --help/ },
      { name: 'a selector without a colon', argv: ['entry', 'create', '--spiffe-id', 'spiffe://example.org/a', '--parent-id', AGENT, '--selector', 'nocolon'], code: 2, stderr: /--selector must be written type:value.*"nocolon"/ },
      { name: 'an entry without selectors', argv: ['entry', 'create', '--spiffe-id', 'spiffe://example.org/a', '--parent-id', AGENT], code: 1, stderr: /^signet: error: entries\[0\]\.selectors: at least one selector is required \(InvalidArgument\)\n$/ },
      { name: 'an entry without a SPIFFE ID', argv: ['entry', 'create', '--parent-id', AGENT, '--selector', 'a:b'], code: 2, stderr: /--spiffe-id is required/ },
      { name: 'an entry without a parent', argv: ['entry', 'create', '--spiffe-id', 'spiffe://example.org/a', '--selector', 'a:b'], code: 2, stderr: /--parent-id or --node is required/ },
      { name: '--node with --parent-id', argv: ['entry', 'create', '--node', '--parent-id', AGENT, '--spiffe-id', 'spiffe://example.org/a', '--selector', 'a:b'], code: 2, stderr: /exclusive/ },
      { name: 'a malformed TTL', argv: ['entry', 'create', '--spiffe-id', 'spiffe://example.org/a', '--parent-id', AGENT, '--selector', 'a:b', '--x509-svid-ttl', '1x'], code: 2, stderr: /--x509-svid-ttl must be a duration/ },
      { name: 'a malformed expiry', argv: ['entry', 'create', '--spiffe-id', 'spiffe://example.org/a', '--parent-id', AGENT, '--selector', 'a:b', '--entry-expiry', 'tomorrow'], code: 2, stderr: /--entry-expiry must be an RFC 3339 time/ },
      { name: '--data with entry flags', argv: ['entry', 'create', '--data', 'x.json', '--spiffe-id', 'spiffe://example.org/a'], code: 2, stderr: /--data cannot be combined with --spiffe-id/ },
      { name: 'a missing --data file', argv: ['entry', 'create', '--data', 'does-not-exist.json'], code: 1, stderr: /ENOENT/ },
      { name: 'an unknown entry id', argv: ['entry', 'show', '--entry-id', 'nope'], code: 1, stderr: /^signet: error: id: no entry with id "nope" \(NotFound\)\n$/ },
      { name: 'an update of an unknown entry', argv: ['entry', 'update', '--entry-id', 'nope', '--hint', 'x'], code: 1, stderr: /updates\[0\]\.entry\.id: no entry with id "nope" \(NotFound\)/ },
      { name: 'an update changing nothing', argv: ['entry', 'update', '--entry-id', 'nope'], code: 2, stderr: /nothing to change/ },
      { name: 'a show without --entry-id', argv: ['entry', 'show'], code: 2, stderr: /--entry-id is required/ },
      { name: 'an unknown match mode', argv: ['entry', 'list', '--selector', 'a:b', '--match', 'most'], code: 2, stderr: /--match must be one of exact, subset, superset, any/ },
      { name: 'a page size out of range', argv: ['entry', 'list', '--page-size', '0'], code: 2, stderr: /--page-size must be a whole number from 1 to 1000/ },
    ];
    for (const c of cases) {
      it(`refuses ${c.name}`, async () => {
        const r = await t.run(c.argv);
        assert.equal(r.code, c.code, r.stderr);
        assert.match(r.stderr, c.stderr);
      });
    }

    it('names the file and the field of a malformed --data file', async () => {
      const file = join(t.scratch, 'bad.json');
      const docs: Array<[unknown, RegExp]> = [
        [{ entries: [{ spiffe_id: 'spiffe://example.org/a', ttl: 5 }] }, /bad\.json: entries\[0\]\.ttl: unknown field/],
        [{ entries: [{ selectors: 'unix:uid:1' }] }, /bad\.json: entries\[0\]\.selectors: must be a list of \{"type": \.\.\., "value": \.\.\.\} objects/],
        [{ entries: [{ x509_svid_ttl: -1 }] }, /entries\[0\]\.x509_svid_ttl: must be a whole number of seconds/],
        [{ entries: [] }, /entries: at least one entry is required/],
        [[], /must be a JSON object \{"entries": \[\.\.\.\]\}/],
      ];
      for (const [doc, stderr] of docs) {
        await writeFile(file, JSON.stringify(doc));
        const r = await t.run(['entry', 'create', '--data', file]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, stderr);
      }
      await writeFile(file, '{"entries": [');
      assert.match((await t.run(['entry', 'create', '--data', file])).stderr, /bad\.json: not valid JSON/);
    });
  });
});
