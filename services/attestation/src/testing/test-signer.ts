/**
 * A real {@link AgentSvidSigner} for tests: the SDK's production minter bound to a `TestCa`,
 * issuing at the injected clock's time.
 * @module
 */
import type { Clock } from '@signet/platform';
import { JwtBundle, parseCsr, SpiffeBundle, SpiffeId } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import type { AgentSvidSigner, SignAgentX509SvidParams, SignedAgentSvid } from '../agents/svid-signer.js';

/** Signs agent SVIDs with a test CA. */
export class TestAgentSvidSigner implements AgentSvidSigner {
  readonly ca: TestCa;
  readonly #clock: Clock;
  /** Every SVID issued, in order. */
  readonly issued: SignedAgentSvid[] = [];

  /** A signer over a new CA for `trustDomain`, valid for `caTtlSeconds` from the clock's time. */
  constructor(trustDomain: string, clock: Clock, caTtlSeconds = 90 * 86_400) {
    this.#clock = clock;
    this.ca = TestCa.create(trustDomain, { now: clock.now(), ttlSeconds: caTtlSeconds });
  }

  async signAgentX509Svid(params: SignAgentX509SvidParams): Promise<SignedAgentSvid> {
    const csr = parseCsr(params.csr);
    const minted = this.ca.minter().mint({
      id: SpiffeId.parse(params.spiffeId),
      publicKey: csr.subjectPublicKeyInfo,
      ttlSeconds: params.ttlSeconds,
      now: this.#clock.now(),
    });
    const signed = { certChain: [minted.certificate, ...this.ca.intermediates], expiresAt: minted.notAfter, serial: minted.serialNumber };
    this.issued.push(signed);
    return signed;
  }

  async getBundle(): Promise<SpiffeBundle> {
    return SpiffeBundle.fromX509AndJwt(this.ca.x509Bundle(), JwtBundle.empty(this.ca.trustDomain), { sequenceNumber: 1n });
  }
}
