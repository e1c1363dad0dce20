/**
 * An x509pop node for tests: a CA bundle file, an attestor trusting it, and nodes with
 * certificates that answer challenges.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@signet/platform';
import { TestCa, type TestCertificate } from '@signet/spiffe/testing';
import type { ChallengeFn, NodeAttestor } from '../attestors/attestor.js';
import { loadTrustAnchors } from '../attestors/x509pop/chain.js';
import { signX509PopChallenge } from '../attestors/x509pop/challenge.js';
import { encodeX509PopPayload } from '../attestors/x509pop/payload.js';
import { x509PopAttestor } from '../attestors/x509pop/x509pop.js';

/** A node CA and its x509pop attestor. */
export interface X509PopFixture {
  readonly ca: TestCa;
  readonly bundlePath: string;
  readonly attestor: NodeAttestor;
  /** A node certificate with this common name. */
  node(commonName: string): TestCertificate;
  payload(node: TestCertificate): Uint8Array;
  challenge(node: TestCertificate): ChallengeFn;
  dispose(): Promise<void>;
}

/** Creates the fixture (a CA valid 30 days from `clock`'s time). */
export async function x509PopFixture(clock: Clock, trustDomain = 'example.org'): Promise<X509PopFixture> {
  const ca = TestCa.create('nodes.test', { now: clock.now(), ttlSeconds: 30 * 86_400 });
  const dir = await mkdtemp(join(tmpdir(), 'signet-x509pop-'));
  const bundlePath = join(dir, 'ca.pem');
  await writeFile(bundlePath, new X509Certificate(ca.certificate).toString());
  const attestor = x509PopAttestor({ anchors: await loadTrustAnchors([bundlePath]) });
  return {
    ca,
    bundlePath,
    attestor,
    node: (commonName) =>
      ca.issueCertificate({ subject: { commonName }, notBefore: new Date(clock.nowMs() - 60_000), notAfter: new Date(clock.nowMs() + 10 * 86_400_000) }),
    payload: (node) => encodeX509PopPayload(node.chain),
    challenge: (node) => async (nonce) => signX509PopChallenge(node.privateKey!, trustDomain, nonce),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
