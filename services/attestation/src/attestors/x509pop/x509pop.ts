/**
 * The `x509pop` node attestor: the node proves possession of the private key of an X.509
 * certificate issued by a configured CA.
 *
 * 1. The payload is the node's chain (see `payload.ts`); it must be valid now and chain to a
 *    CA of the configured bundle files (see `chain.ts`).
 * 2. The server sends a 32-byte nonce; the node signs it (see `challenge.ts` for the exact
 *    bytes and schemes); the signature must verify with the leaf's public key.
 * 3. Agent ID: `spiffe://<td>/spire/agent/x509pop/<template>`, by default the leaf's
 *    fingerprint (SHA-1 unless configured as SHA-256).
 * 4. Selectors: `x509pop:subject:cn:<CN>`, `x509pop:san:dns:<name>` per DNS SAN,
 *    `x509pop:ca:fingerprint:<fp>` per CA certificate of the verified path (intermediates and
 *    the anchor), `x509pop:serialnumber:<hex>`.
 *
 * The node may re-attest (with a fresh proof) at any time.
 * @module
 */
import { ApiError } from '@signet/platform';
import { agentIdFor } from '../../ids.js';
import { selector, uniqueSelectors } from '../../internal/selectors.js';
import type { AttestationResult, AttestContext, ChallengeFn, NodeAttestor } from '../attestor.js';
import { DEFAULT_AGENT_PATH_TEMPLATE, renderAgentPath } from './agent-path.js';
import { certificateNames, fingerprint, serialHex, type FingerprintAlgorithm } from './cert-facts.js';
import { type TrustAnchors, verifyNodeChain } from './chain.js';
import { newX509PopNonce, unsupportedKeyReason, verifyX509PopResponse } from './challenge.js';
import { decodeX509PopPayload } from './payload.js';

/** The attestation type of x509pop. */
export const X509POP_TYPE = 'x509pop';

/** Options of {@link x509PopAttestor}. */
export interface X509PopAttestorOptions {
  /** The CA certificates node chains must lead to. */
  readonly anchors: TrustAnchors;
  /** Fingerprint hash for the agent ID and the CA selectors (default `sha1`). */
  readonly fingerprint?: FingerprintAlgorithm;
  /** Agent path template (default `{fingerprint}`); see `agent-path.ts`. */
  readonly agentPathTemplate?: string;
}

/**
 * Creates the x509pop attestor.
 *
 * @example
 * ```ts
 * const attestor = x509PopAttestor({ anchors: await loadTrustAnchors(['/etc/signet/node-ca.pem']) });
 * ```
 */
export function x509PopAttestor(options: X509PopAttestorOptions): NodeAttestor {
  const algorithm = options.fingerprint ?? 'sha1';
  const template = options.agentPathTemplate ?? DEFAULT_AGENT_PATH_TEMPLATE;
  return {
    type: X509POP_TYPE,
    async attest(payload: Uint8Array, challenge: ChallengeFn, ctx: AttestContext): Promise<AttestationResult> {
      const { leaf, cas } = verifyNodeChain(decodeX509PopPayload(payload), options.anchors, ctx.now);
      const keyProblem = unsupportedKeyReason(leaf.publicKey);
      if (keyProblem !== undefined) throw ApiError.invalid('params.payload', `the node certificate key: ${keyProblem}`);
      const nonce = newX509PopNonce();
      const response = await challenge(nonce);
      if (!verifyX509PopResponse(leaf.publicKey, ctx.trustDomain.name, nonce, response)) {
        throw new ApiError('permission_denied', 'challenge_response: the signature does not verify with the node certificate key', {
          field: 'challenge_response',
        });
      }
      let names;
      try {
        names = certificateNames(leaf);
      } catch (err) {
        throw ApiError.invalid('params.payload', 'the node certificate cannot be read', err);
      }
      const leafFingerprint = fingerprint(leaf, algorithm);
      const serial = serialHex(leaf);
      let agentId;
      try {
        agentId = agentIdFor(
          ctx.trustDomain,
          X509POP_TYPE,
          ...renderAgentPath(template, { fingerprint: leafFingerprint, serial, subject_cn: names.commonName }),
        );
      } catch (err) {
        throw new ApiError('permission_denied', `params.payload: no agent ID can be made from the node certificate: ${(err as Error).message}`, {
          field: 'params.payload',
          cause: err,
        });
      }
      const selectors = [
        ...(names.commonName === undefined ? [] : [selector(X509POP_TYPE, 'subject', 'cn', names.commonName)]),
        ...names.dnsNames.map((name) => selector(X509POP_TYPE, 'san', 'dns', name)),
        ...cas.map((ca) => selector(X509POP_TYPE, 'ca', 'fingerprint', fingerprint(ca, algorithm))),
        selector(X509POP_TYPE, 'serialnumber', serial),
      ];
      return { agentId, selectors: uniqueSelectors(selectors), canReattest: true };
    },
  };
}
