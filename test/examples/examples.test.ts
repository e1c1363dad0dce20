/**
 * Runs every example, in process at a fixed time and as a program of its own, and checks what it
 * reports: the examples are documentation, so they must keep working and keep saying the truth.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main as bundleDocument } from './bundle-document.js';
import { main as ids } from './ids.js';
import { main as jwtSvid } from './jwt-svid.js';
import { main as x509Svid } from './x509-svid.js';

const NOW = new Date('2031-05-01T12:00:00.000Z');

/** Each example: its program file, how to run it in process, and the lines it must print. */
const examples: [file: string, run: () => Promise<string>, expected: (string | RegExp)[]][] = [
  [
    'ids.js',
    ids,
    [
      'spiffe://example.org/ns/prod/sa/web: trust domain example.org, path /ns/prod/sa/web, segments [ns, prod, sa, web]',
      'built spiffe://example.org/ns/prod/sa/db, then spiffe://example.org/ns/prod/sa/db/replica/2',
      'spiffe://example.org is the ID of the trust domain itself: true',
      'spiffe://example.org/ns/prod/sa/web -> member of example.org: yes; web or api: yes',
      'spiffe://example.org/ns/prod/sa/db -> member of example.org: yes; web or api: no',
      'spiffe://partner.example/ns/prod/sa/web -> member of example.org: no; web or api: no',
      /^spiffe:\/\/Example\.org\/web -> ERR_SPIFFE_ID_INVALID: spiffeid: .*lowercase/,
      /^spiffe:\/\/example\.org\/a\/\.\.\/b -> ERR_SPIFFE_ID_INVALID: spiffeid: .*dot segment/,
      /^https:\/\/example\.org\/web -> ERR_SPIFFE_ID_INVALID: spiffeid: .*scheme/,
      /^spiffe:\/\/example\.org\/web\/ -> ERR_SPIFFE_ID_INVALID: spiffeid: .*end with "\/"/,
      'tryParse("spiffe://example.org/a%20b") -> undefined',
    ],
  ],
  [
    'x509-svid.js',
    () => x509Svid(NOW),
    [
      // notBefore is backdated 10 s for clock skew; notAfter is now + 1 h.
      'issued spiffe://example.org/ns/prod/sa/web valid 2031-05-01T11:59:50.000Z to 2031-05-01T13:00:00.000Z',
      'workload holds spiffe://example.org/ns/prod/sa/web with DNS names [web.prod.svc] and 2 certificates',
      'peer verified spiffe://example.org/ns/prod/sa/web through 1 chain(s) of 3 certificates',
      'authorized: true',
      'two hours later: rejected, ERR_X509_SVID_VERIFICATION_FAILED',
      'partner peer, local bundle only: rejected, ERR_BUNDLE_NOT_FOUND',
      'partner peer, with federated bundle: verified spiffe://partner.example/billing; authorized: false',
    ],
  ],
  [
    'jwt-svid.js',
    () => jwtSvid(NOW),
    [
      'token header {"alg":"ES256","kid":"authority-1","typ":"JWT"}, for spiffe://example.org/ns/prod/sa/reports',
      'validated: spiffe://example.org/ns/prod/sa/web until 2031-05-01T12:05:00.000Z',
      'for another audience: rejected, ERR_JWT_SVID_AUDIENCE',
      'six minutes later: rejected, ERR_JWT_SVID_EXPIRED',
      'six minutes later, 120 s of clock skew allowed: accepted',
      'signed by an unknown key under the same kid: rejected, ERR_JWT_SVID_VERIFICATION_FAILED',
      'issued to another trust domain: rejected, ERR_BUNDLE_NOT_FOUND',
    ],
  ],
  [
    'bundle-document.js',
    () => bundleDocument(NOW),
    [
      'published sequence 18014398509481985 as exact digits: true (JSON.parse reads 18014398509481984)',
      'published keys: x509-svid, jwt-svid',
      'read sequence 18014398509481985, refresh hint 300 s, 1 X.509 and 1 JWT authorities; equal to the original: true',
      /^skipped keys\[0\] \(unknown, use enc\): spiffebundle: keys\[0\]: .*"use"/,
      /^skipped keys\[1\] \(invalid, use x509-svid\): spiffebundle: keys\[1\]: .*"x5c"/,
      'still read 1 X.509 and 1 JWT authorities',
      'rotated: sequence 18014398509481986, JWT authorities jwt-1, jwt-2',
      'a repeated member name: rejected, ERR_BUNDLE_INVALID',
      'a sequence number beyond 64 bits: rejected, ERR_BUNDLE_INVALID',
      'no keys member: rejected, ERR_BUNDLE_INVALID',
    ],
  ],
];

/** Asserts that `output` has exactly the `expected` lines, each equal to a string or matching a pattern. */
function assertLines(output: string, expected: readonly (string | RegExp)[]): void {
  const lines = output.split('\n');
  assert.equal(lines.length, expected.length, `expected ${expected.length} lines, got ${lines.length}:\n${output}`);
  expected.forEach((want, i) => {
    if (typeof want === 'string') assert.equal(lines[i], want, `line ${i + 1}`);
    else assert.match(lines[i]!, want, `line ${i + 1}`);
  });
}

/** Replaces ISO 8601 timestamps, the only part of the output that depends on when it runs. */
const timeless = (s: string): string => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>');

describe('SDK examples', () => {
  for (const [file, run, expected] of examples) {
    it(`${file} reports what the SDK did`, async () => {
      assertLines(await run(), expected);
    });

    it(`${file} runs as a program and prints the same report`, async () => {
      const res = spawnSync(process.execPath, [fileURLToPath(new URL(`./${file}`, import.meta.url))], { encoding: 'utf8' });
      assert.equal(res.stderr, '');
      assert.equal(res.status, 0);
      // The program runs at the current time; in process, the example runs at NOW. Only timestamps may differ.
      assert.equal(timeless(res.stdout), `${timeless(await run())}\n`);
    });
  }
});
