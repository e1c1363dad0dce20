/**
 * Attesting an agent: run the attestor named in the request, check the agent may (re-)attest,
 * have its X.509-SVID signed from the CSR, and record the node, its selectors and the SVID
 * serial in one transaction that also appends the change events (and, for a join token,
 * consumes the token).
 * @module
 */
import {
  AlreadyExistsError,
  appendEvents,
  createNode,
  getNode,
  getNodeSelectors,
  type NewChangeEvent,
  type Selector,
  setNodeSelectors,
  updateNode,
} from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { CsrInvalidError, parseCsr, type SpiffeBundle, type SpiffeId } from '@signet/spiffe';
import type { ChallengeFn } from '../attestors/attestor.js';
import { selectorKey } from '../internal/selectors.js';
import { outcomeOf } from '../telemetry.js';
import { checkAttestationAdmission } from './admission.js';
import { type AgentLifecycleDeps, NodeEvents } from './deps.js';

/** What a node sends to attest. */
export interface AttestAgentParams {
  /** `join_token`, `x509pop`, `k8s_psat`, ... */
  readonly attestationType: string;
  /** The attestor-specific evidence (a secret for join tokens and PSATs). */
  readonly payload: Uint8Array;
  /** PKCS#10 CSR (DER) for the agent SVID's key. */
  readonly csr: Uint8Array;
  readonly signal?: AbortSignal;
}

/** A successful attestation. */
export interface AttestAgentResult {
  readonly agentId: SpiffeId;
  /** The agent SVID, leaf first. */
  readonly svidChain: Uint8Array[];
  readonly serial: string;
  readonly expiresAt: Date;
  /** The local trust bundle. */
  readonly bundle: SpiffeBundle;
  /** The node's selectors as recorded (sorted). */
  readonly selectors: readonly Selector[];
  /** True when an existing agent record was refreshed. */
  readonly reattested: boolean;
}

/**
 * Attests a node. Errors (`ApiError`): `invalid_argument` for an unknown attestation type, a
 * missing or bad CSR, or a malformed payload; `permission_denied` when the evidence is refused,
 * the agent is banned, or it is attested already by a method that cannot re-attest.
 *
 * @example
 * ```ts
 * const result = await attestAgent(deps, { attestationType: 'join_token', payload, csr }, challenge);
 * result.agentId.toString();
 * ```
 */
export async function attestAgent(deps: AgentLifecycleDeps, params: AttestAgentParams, challenge: ChallengeFn): Promise<AttestAgentResult> {
  const method = deps.attestors.has(params.attestationType) ? params.attestationType : 'unknown';
  try {
    const result = await attest(deps, params, challenge);
    deps.metrics.attestation(method, 'success');
    deps.logger.info(
      { agent_id: result.agentId.toString(), attestation_type: method, reattested: result.reattested, svid_serial: result.serial },
      'agent attested',
    );
    return result;
  } catch (err) {
    const outcome = outcomeOf(err);
    deps.metrics.attestation(method, outcome);
    if (outcome === 'internal') deps.logger.error({ err, attestation_type: method }, 'agent attestation failed');
    else deps.logger.info({ attestation_type: method, outcome, reason: (err as Error).message }, 'agent attestation refused');
    throw err;
  }
}

async function attest(deps: AgentLifecycleDeps, params: AttestAgentParams, challenge: ChallengeFn): Promise<AttestAgentResult> {
  if (params.attestationType === '') throw ApiError.invalid('params.attestation_type', 'is required');
  const attestor = deps.attestors.get(params.attestationType);
  if (attestor === undefined) {
    const enabled = [...deps.attestors.keys()].join(', ') || 'none';
    throw ApiError.invalid('params.attestation_type', `${JSON.stringify(params.attestationType)} is not an enabled attestation type (enabled: ${enabled})`);
  }
  checkCsr(params.csr);
  const startedAt = deps.clock.now();
  const attested = await attestor.attest(params.payload, challenge, {
    trustDomain: deps.trustDomain,
    now: startedAt,
    ...(params.signal === undefined ? {} : { signal: params.signal }),
  });
  const agentId = attested.agentId.toString();
  checkAttestationAdmission(agentId, await getNode(deps.db, agentId));
  const svid = await deps.signer.signAgentX509Svid({ csr: params.csr, spiffeId: agentId, ttlSeconds: deps.agentSvidTtlSeconds });
  const now = deps.clock.now();
  const { selectors, reattested, node } = await deps.db
    .transaction(async (tx) => {
      const current = await getNode(tx, agentId);
      checkAttestationAdmission(agentId, current);
      await attested.commit?.(tx, now);
      const record = {
        attestationType: attestor.type,
        certSerial: svid.serial,
        certNotAfter: svid.expiresAt,
        newCertSerial: null,
        newCertNotAfter: null,
        canReattest: attested.canReattest,
      };
      const node = current === undefined ? await createNode(tx, { spiffeId: agentId, ...record }, now) : await updateNode(tx, agentId, record, now);
      const before = current === undefined ? [] : await getNodeSelectors(tx, agentId);
      const after = await setNodeSelectors(tx, agentId, attested.selectors, now);
      const events: NewChangeEvent[] = [
        { kind: NodeEvents.attested, subject: agentId, payload: { attestationType: attestor.type, reattested: current !== undefined } },
      ];
      if (!sameSelectors(before, after)) events.push({ kind: NodeEvents.selectorsChanged, subject: agentId });
      await appendEvents(tx, events, now);
      return { selectors: after, reattested: current !== undefined, node };
    })
    .catch((err: unknown) => {
      if (err instanceof AlreadyExistsError) {
        throw new ApiError('aborted', `agent ${JSON.stringify(agentId)} was attested concurrently; retry`, { cause: err });
      }
      throw err;
    });
  deps.onNodeChanged?.(agentId, node);
  const bundle = await deps.signer.getBundle();
  return { agentId: attested.agentId, svidChain: svid.certChain, serial: svid.serial, expiresAt: svid.expiresAt, bundle, selectors, reattested };
}

/** Checks that the CSR is present, parses and is self-signed (before any evidence is consumed). */
export function checkCsr(csr: Uint8Array, field = 'params.csr'): void {
  if (csr.length === 0) throw ApiError.invalid(field, 'a PKCS#10 certificate signing request (DER) is required');
  try {
    parseCsr(csr);
  } catch (err) {
    if (err instanceof CsrInvalidError) throw ApiError.invalid(field, err.message, err);
    throw err;
  }
}

function sameSelectors(a: readonly Selector[], b: readonly Selector[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(selectorKey));
  return b.every((s) => keys.has(selectorKey(s)));
}
