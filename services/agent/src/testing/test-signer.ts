/**
 * An in-process CA for the agent's unit tests: signs CSRs for known entries with a TestCa (real
 * certificates), and JWT-SVIDs with a real key; can be told to be unreachable or to refuse.
 * @module
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ApiError } from '@signet/platform';
import { SpiffeId, mintJwtSvid, parseCsr } from '@signet/spiffe';
import type { TestCa } from '@signet/spiffe/testing';
import type { JwtSvidSigner, MintedJwtSvid } from '../cache/jwt-cache.js';
import type { X509SvidRequest, X509SvidResult, X509SvidSigner } from '../cache/svid-issuer.js';
import type { AgentEntry } from '../domain/entry.js';

/** A signer over a TestCa. */
export class TestSigner implements X509SvidSigner, JwtSvidSigner {
  ca: TestCa;
  readonly entries = new Map<string, AgentEntry>();
  readonly jwtKey: KeyObject = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  readonly jwtKeyId = 'test-jwt-key';
  /** Throws this from every call while set. */
  unreachable: ApiError | undefined;
  /** Entry ids refused with permission_denied. */
  readonly refuse = new Set<string>();
  batches = 0;
  x509Issued = 0;
  jwtIssued = 0;
  now: () => Date;
  ttlSeconds = 3600;

  constructor(ca: TestCa, now: () => Date) {
    this.ca = ca;
    this.now = now;
  }

  async mintBatch(requests: readonly X509SvidRequest[]): Promise<X509SvidResult[]> {
    if (this.unreachable) throw this.unreachable;
    this.batches++;
    return requests.map((r): X509SvidResult => {
      const entry = this.entries.get(r.entryId);
      if (entry === undefined || this.refuse.has(r.entryId)) return { ok: false, code: 'permission_denied', message: `entry ${r.entryId} is not authorized` };
      const csr = parseCsr(r.csr);
      const { certificate } = this.ca.minter().mint({
        id: SpiffeId.parse(entry.spiffeId),
        publicKey: csr.subjectPublicKeyInfo,
        now: this.now(),
        ttlSeconds: entry.x509SvidTtl || this.ttlSeconds,
        ...(entry.dnsNames.length ? { dnsNames: entry.dnsNames } : {}),
      });
      this.x509Issued++;
      return { ok: true, certChain: [certificate, ...this.ca.intermediates] };
    });
  }

  async mint(entryId: string, audience: readonly string[]): Promise<MintedJwtSvid> {
    if (this.unreachable) throw this.unreachable;
    const entry = this.entries.get(entryId);
    if (entry === undefined) throw new ApiError('permission_denied', `entry ${entryId} is not authorized`);
    const now = this.now();
    const ttl = entry.jwtSvidTtl || 300;
    this.jwtIssued++;
    const token = mintJwtSvid({ id: SpiffeId.parse(entry.spiffeId), audience: [...audience], key: this.jwtKey, kid: this.jwtKeyId, now, ttlSeconds: ttl });
    return { token, expiresAt: Math.floor(now.getTime() / 1000) + ttl };
  }
}
