/**
 * The CA, reached over the control plane's gRPC API as the agent: X.509-SVIDs in batches and
 * JWT-SVIDs, for the entries this node may serve.
 * @module
 */
import { apiCodeOfGrpc, unaryCall } from '@signet/platform';
import type { JwtSvidSigner, MintedJwtSvid } from '../cache/jwt-cache.js';
import type { X509SvidRequest, X509SvidResult, X509SvidSigner } from '../cache/svid-issuer.js';
import type { ControlPlaneClients } from './clients.js';

interface BatchResponse {
  results: Array<{ status: { code: number; message: string } | null; svid: { cert_chain: Buffer[] } | null }>;
}

/** The CA as the SVID issuer and the JWT cache use it. */
export class CaSigner implements X509SvidSigner, JwtSvidSigner {
  readonly #clients: ControlPlaneClients;

  constructor(clients: ControlPlaneClients) {
    this.#clients = clients;
  }

  async mintBatch(requests: readonly X509SvidRequest[], signal?: AbortSignal): Promise<X509SvidResult[]> {
    const res = await unaryCall<BatchResponse>(
      (cb) => this.#clients.ca().BatchMintX509Svid({ requests: requests.map((r) => ({ csr: Buffer.from(r.csr), entry_id: r.entryId })) }, cb),
      signal,
    );
    return requests.map((_, i): X509SvidResult => {
      const r = res.results[i];
      if (r === undefined) return { ok: false, code: 'internal', message: 'the CA answered fewer results than requests' };
      const code = r.status?.code ?? 0;
      if (code !== 0 || r.svid === null) return { ok: false, code: apiCodeOfGrpc(code || 13), message: r.status?.message ?? 'no SVID' };
      return { ok: true, certChain: r.svid.cert_chain.map((b) => new Uint8Array(b)) };
    });
  }

  async mint(entryId: string, audience: readonly string[], signal?: AbortSignal): Promise<MintedJwtSvid> {
    const res = await unaryCall<{ token: string; expires_at: string }>((cb) => this.#clients.ca().MintJwtSvid({ entry_id: entryId, audience: [...audience] }, cb), signal);
    return { token: res.token, expiresAt: Number(res.expires_at) };
  }
}
