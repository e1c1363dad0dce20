/**
 * The node side of node attestation: what the agent presents for each method, and how it answers
 * the server's challenges.
 * - `join_token`: the token (single use; a restarted agent reuses its stored SVID instead).
 * - `x509pop`: the node's certificate chain, then a signature over the server's nonce with the
 *   node key (proof of possession).
 * - `k8s_psat`: the cluster name and the pod's projected service-account token, read afresh
 *   from its file at every attestation (the kubelet rotates it).
 * @module
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { encodeK8sPsatPayload, encodeX509PopPayload, signX509PopChallenge } from '@signet/attestation';
import { parsePemCertificates } from '@signet/spiffe';

/** One node attestation method, node side. */
export interface NodeAttestorClient {
  /** The `attestation_type`. */
  readonly type: string;
  /** Whether the method can attest again after the first time (a join token cannot). */
  readonly canReattest: boolean;
  /** The evidence to send. */
  payload(): Promise<Uint8Array>;
  /** The answer to a server challenge. */
  answer(challenge: Uint8Array, trustDomain: string): Promise<Uint8Array>;
}

/** Join-token attestation. */
export function joinTokenClient(token: string): NodeAttestorClient {
  return {
    type: 'join_token',
    canReattest: false,
    payload: async () => new Uint8Array(Buffer.from(token, 'utf8')),
    answer: async () => {
      throw new Error('join_token: the server sent a challenge, which this method does not have');
    },
  };
}

/** x509pop attestation with a certificate chain (PEM, leaf first) and its private key (PEM). */
export function x509PopClient(paths: { certificatePath: string; privateKeyPath: string }): NodeAttestorClient {
  return {
    type: 'x509pop',
    canReattest: true,
    payload: async () => {
      const chain = parsePemCertificates(await readFile(paths.certificatePath, 'utf8'));
      if (chain.length === 0) throw new Error(`x509pop: ${paths.certificatePath} holds no PEM certificate`);
      return encodeX509PopPayload(chain);
    },
    answer: async (challenge, trustDomain) => {
      const key = createPrivateKey(await readFile(paths.privateKeyPath));
      return signX509PopChallenge(key, trustDomain, challenge);
    },
  };
}

/** k8s_psat attestation: `cluster` as configured on the server, the token from `tokenPath`. */
export function k8sPsatClient(options: { cluster: string; tokenPath: string }): NodeAttestorClient {
  return {
    type: 'k8s_psat',
    canReattest: true,
    payload: async () => {
      const token = (await readFile(options.tokenPath, 'utf8')).trim();
      return encodeK8sPsatPayload({ cluster: options.cluster, token });
    },
    answer: async () => {
      throw new Error('k8s_psat: the server sent a challenge, which this method does not have');
    },
  };
}
