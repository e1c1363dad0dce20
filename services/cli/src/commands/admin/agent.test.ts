/**
 * `signet token generate` and `signet agent ...` against the real registrar (PGlite behind) on an
 * admin Unix socket. Agents are recorded in the datastore as the attestation service records them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAdminTestServer, type AdminTestServer } from './test-server.test-helper.js';

interface AgentJson {
  spiffe_id: string;
  attestation_type: string;
  banned: boolean;
  attested: boolean;
  x509_svid_serial: string;
  x509_svid_expires_at: string;
}

describe('signet token and signet agent', () => {
  let t: AdminTestServer;
  before(async () => {
    t = await startAdminTestServer();
  });
  after(() => t.close());

  describe('token generate', () => {
    it('prints the token and its expiry, and nothing on standard error', async () => {
      const r = await t.run(['token', 'generate']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Token:\s+[A-Za-z0-9_-]{20,}\nExpires:\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\n$/);
      assert.equal(r.stderr, '');
    });

    it('prints the JoinToken message as JSON, with --ttl and --spiffe-id applied', async () => {
      const before = Math.floor(Date.now() / 1000);
      const r = await t.run(['token', 'generate', '--ttl', '1h', '--spiffe-id', 'spiffe://example.org/spire/agent/edge-1', '--output', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const token = JSON.parse(r.stdout) as { value: string; expires_at: string; agent_spiffe_id: string };
      assert.equal(typeof token.expires_at, 'string');
      const expires = Number(token.expires_at);
      assert.ok(expires >= before + 3600 && expires <= before + 3600 + 60, token.expires_at);
      assert.equal(token.agent_spiffe_id, 'spiffe://example.org/spire/agent/edge-1');
      assert.ok(token.value.length >= 20);
    });

    const bad: Array<{ name: string; argv: string[]; code: number; stderr: RegExp }> = [
      { name: 'a malformed TTL', argv: ['--ttl', 'soon'], code: 2, stderr: /--ttl must be a duration such as 90s/ },
      { name: 'a SPIFFE ID of another trust domain', argv: ['--spiffe-id', 'spiffe://other.org/x'], code: 1, stderr: /^signet: error: agent_spiffe_id: .* \(InvalidArgument\)\n$/ },
      { name: 'an unknown flag', argv: ['--forever'], code: 2, stderr: /--forever/ },
    ];
    for (const c of bad) {
      it(`refuses ${c.name}`, async () => {
        const r = await t.run(['token', 'generate', ...c.argv]);
        assert.equal(r.code, c.code, r.stderr);
        assert.match(r.stderr, c.stderr);
      });
    }
  });

  describe('agent', () => {
    let first: string;
    let second: string;
    before(async () => {
      first = await t.addAgent('node-1');
      second = await t.addAgent('node-2');
      for (let n = 3; n <= 6; n++) await t.addAgent(`node-${n}`);
    });

    it('lists every agent across pages as a table and as JSON', async () => {
      const table = await t.run(['agent', 'list']);
      assert.equal(table.code, 0, table.stderr);
      const lines = table.stdout.trimEnd().split('\n');
      assert.match(lines[0] ?? '', /^SPIFFE ID\s+ATTESTATION TYPE\s+STATE\s+SVID SERIAL\s+SVID EXPIRES$/);
      assert.equal(lines.length, 7);
      assert.match(table.stdout, new RegExp(`${first}\\s+join_token\\s+attested\\s+0a1b2c\\s+\\d{4}-`));
      const json = JSON.parse((await t.run(['agent', 'list', '-o', 'json'])).stdout) as { agents: AgentJson[]; next_page_token: string };
      assert.equal(json.agents.length, 6);
      assert.equal(typeof json.agents[0]?.x509_svid_expires_at, 'string');
      const page = await t.run(['agent', 'list', '--page-size', '4']);
      assert.match(page.stdout, /Next page token: \S+\n$/);
    });

    it('shows one agent', async () => {
      const r = await t.run(['agent', 'show', '--spiffe-id', first]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^SPIFFE ID:\\s+${first}\\nAttestation type:\\s+join_token\\nState:\\s+attested\\n`));
      const json = JSON.parse((await t.run(['agent', 'show', '--spiffe-id', first, '-o', 'json'])).stdout) as AgentJson;
      assert.deepEqual([json.spiffe_id, json.attested, json.banned], [first, true, false]);
    });

    it('evicts, bans and unbans agents, and filters the list by state', async () => {
      const steps: Array<{ argv: string[]; stdout: string }> = [
        { argv: ['agent', 'evict', '--spiffe-id', first], stdout: `Agent ${first} evicted.\n` },
        { argv: ['agent', 'ban', '--spiffe-id', second], stdout: `Agent ${second} banned.\n` },
      ];
      for (const s of steps) {
        const r = await t.run(s.argv);
        assert.deepEqual([r.code, r.stdout, r.stderr], [0, s.stdout, '']);
      }
      const banned = JSON.parse((await t.run(['agent', 'list', '--state', 'banned', '-o', 'json'])).stdout) as { agents: AgentJson[] };
      assert.deepEqual(banned.agents.map((a) => a.spiffe_id), [second]);
      const evicted = JSON.parse((await t.run(['agent', 'list', '--state', 'evicted', '-o', 'json'])).stdout) as { agents: AgentJson[] };
      assert.deepEqual(evicted.agents.map((a) => a.spiffe_id), [first]);
      const unban = await t.run(['agent', 'unban', '--spiffe-id', second, '-o', 'json']);
      assert.equal(unban.code, 0, unban.stderr);
      assert.equal((JSON.parse(unban.stdout) as AgentJson).banned, false);
      const shown = await t.run(['agent', 'show', '--spiffe-id', second]);
      assert.match(shown.stdout, /\nState:\s+evicted\n/);
    });

    const bad: Array<{ name: string; argv: string[]; code: number; stderr: RegExp }> = [
      { name: 'an unknown agent', argv: ['agent', 'show', '--spiffe-id', 'spiffe://example.org/spire/agent/join_token/none'], code: 1, stderr: /^signet: error: spiffe_id: no agent .* \(NotFound\)\n$/ },
      { name: 'evicting an unknown agent', argv: ['agent', 'evict', '--spiffe-id', 'spiffe://example.org/spire/agent/join_token/none'], code: 1, stderr: /\(NotFound\)/ },
      { name: 'a missing --spiffe-id', argv: ['agent', 'ban'], code: 2, stderr: /--spiffe-id is required; run 'signet agent ban --help'/ },
      { name: 'an unknown state', argv: ['agent', 'list', '--state', 'sleeping'], code: 2, stderr: /--state must be one of all, attested, evicted, banned/ },
      { name: 'a selector without a colon', argv: ['agent', 'list', '--selector', 'nocolon'], code: 2, stderr: /--selector must be written type:value/ },
    ];
    for (const c of bad) {
      it(`refuses ${c.name}`, async () => {
        const r = await t.run(c.argv);
        assert.equal(r.code, c.code, r.stderr);
        assert.match(r.stderr, c.stderr);
      });
    }
  });
});
