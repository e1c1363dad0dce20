/**
 * `signet.registrar.v1.Registrar`: every method as a thin handler (decode with `convert.ts`,
 * call one domain service, encode), admin callers only. The transport enforces `allow`, opens
 * the RPC span, writes the audit line (these handlers add entry ids, agent ids, trust domains and
 * join token hash prefixes to it, never a token or a bundle) and maps thrown errors to statuses.
 *
 * @example
 * ```ts
 * const service = registrarService({ entries, tokens, agents, bundles, federation });
 * const res = await service.GetEntry.handler({ id }, ctx);
 * ```
 * @module
 */
import { unary, type CallContext, type MethodSpec, type UnaryHandler } from '@signet/platform';
import type { AgentRecord } from '../../../agents/agent-admin.js';
import type { AgentService } from '../../../agents/agent-service.js';
import type { BundleService } from '../../../bundles/bundle-service.js';
import type { EntryService } from '../../../entries/entry-service.js';
import type { FederationService, RelationshipView } from '../../../federation/federation-service.js';
import type { ItemOutcome } from '../../../internal/item-outcome.js';
import { int64OrNaN } from '../../../internal/int64.js';
import type { JoinTokenService } from '../../../tokens/join-token-service.js';
import {
  agentToProto,
  bundleDocumentToProto,
  bytesFromProto,
  entryDraftFromProto,
  entryToProto,
  itemStatus,
  joinTokenToProto,
  maskFromProto,
  relationshipDraftFromProto,
  relationshipMaskFromProto,
  relationshipToProto,
  selectorsFromProto,
  setMatchFromProto,
} from '../../convert.js';
import type * as w from '../../wire.js';
import type { RegistrationEntry } from '@signet/datastore';

/** The fully qualified service name. */
export const REGISTRAR_SERVICE = 'signet.registrar.v1.Registrar';

/** The domain services the handlers call. */
export interface RegistrarServiceParts {
  readonly entries: EntryService;
  readonly tokens: JoinTokenService;
  readonly agents: AgentService;
  readonly bundles: BundleService;
  readonly federation: FederationService;
}

/** The registrar's methods, by proto method name, with their request and response types. */
export type RegistrarServiceImpl = {
  readonly CreateEntries: Unary<w.CreateEntriesRequest, w.CreateEntriesResponse__Output>;
  readonly UpdateEntries: Unary<w.UpdateEntriesRequest, w.UpdateEntriesResponse__Output>;
  readonly DeleteEntries: Unary<w.DeleteEntriesRequest, w.DeleteEntriesResponse__Output>;
  readonly GetEntry: Unary<w.GetEntryRequest, w.Entry__Output>;
  readonly ListEntries: Unary<w.ListEntriesRequest, w.ListEntriesResponse__Output>;
  readonly CreateJoinToken: Unary<w.CreateJoinTokenRequest, w.JoinToken__Output>;
  readonly ListAgents: Unary<w.ListAgentsRequest, w.ListAgentsResponse__Output>;
  readonly GetAgent: Unary<w.GetAgentRequest, w.Agent__Output>;
  readonly EvictAgent: Unary<w.AgentRef, w.Agent__Output>;
  readonly BanAgent: Unary<w.AgentRef, w.Agent__Output>;
  readonly UnbanAgent: Unary<w.AgentRef, w.Agent__Output>;
  readonly GetLocalBundle: Unary<w.GetLocalBundleRequest, w.BundleDocument__Output>;
  readonly ListFederatedBundles: Unary<w.ListFederatedBundlesRequest, w.ListFederatedBundlesResponse__Output>;
  readonly GetFederatedBundle: Unary<w.TrustDomainRef, w.BundleDocument__Output>;
  readonly SetFederatedBundle: Unary<w.SetFederatedBundleRequest, w.BundleDocument__Output>;
  readonly DeleteFederatedBundle: Unary<w.TrustDomainRef, w.DeleteFederatedBundleResponse__Output>;
  readonly CreateFederationRelationship: Unary<w.CreateFederationRelationshipRequest, w.FederationRelationship__Output>;
  readonly UpdateFederationRelationship: Unary<w.UpdateFederationRelationshipRequest, w.FederationRelationship__Output>;
  readonly DeleteFederationRelationship: Unary<w.TrustDomainRef, w.DeleteFederationRelationshipResponse__Output>;
  readonly GetFederationRelationship: Unary<w.TrustDomainRef, w.FederationRelationship__Output>;
  readonly ListFederationRelationships: Unary<w.ListFederationRelationshipsRequest, w.ListFederationRelationshipsResponse__Output>;
  readonly RefreshFederationRelationship: Unary<w.TrustDomainRef, w.FederationRelationship__Output>;
};

/** A unary method spec (what every registrar method is). */
export type Unary<Req, Res> = Extract<MethodSpec<Req, Res>, { readonly type: 'unary' }>;

/** Only admins call the registrar. */
const ADMIN = ['admin'] as const;

/** Declares an admin-only unary method. */
function admin<Req, Res>(handler: UnaryHandler<Req, Res>): Unary<Req, Res> {
  return unary(ADMIN, handler) as Unary<Req, Res>;
}

/** Builds the service table over the domain services. */
export function registrarService(parts: RegistrarServiceParts): RegistrarServiceImpl {
  const { entries, tokens, agents, bundles, federation } = parts;
  return {
    CreateEntries: admin(async (req: w.CreateEntriesRequest, ctx) => {
      const outcomes = await entries.create((req.entries ?? []).map((e) => entryDraftFromProto(e)), 'entries');
      return { results: entryResults(outcomes, ctx, 'entries') };
    }),

    UpdateEntries: admin(async (req: w.UpdateEntriesRequest, ctx) => {
      const updates = (req.updates ?? []).map((u) => ({
        draft: entryDraftFromProto(u?.entry),
        fields: maskFromProto(u?.mask),
        expectedRevision: revisionOf(u?.entry?.revision),
      }));
      return { results: entryResults(await entries.update(updates, 'updates'), ctx, 'updates') };
    }),

    DeleteEntries: admin(async (req: w.DeleteEntriesRequest, ctx) => {
      return { results: entryResults(await entries.delete(req.ids ?? [], 'ids'), ctx, 'ids') };
    }),

    GetEntry: admin(async (req: w.GetEntryRequest, ctx) => {
      ctx.audit({ entry_id: req.id ?? '' });
      return entryToProto(await entries.get(req.id ?? '', 'id'));
    }),

    ListEntries: admin(async (req: w.ListEntriesRequest) => {
      const page = await entries.list(
        {
          spiffeId: req.spiffe_id,
          parentId: req.parent_id,
          hint: req.hint,
          selectors: selectorsFromProto(req.selectors),
          selectorMatch: setMatchFromProto(req.selector_match, 'selector_match'),
          federatesWith: req.federates_with ?? [],
          federatesWithMatch: setMatchFromProto(req.federates_with_match, 'federates_with_match'),
        },
        req.page,
      );
      return { entries: page.entries.map(entryToProto), next_page_token: page.nextPageToken };
    }),

    CreateJoinToken: admin(async (req: w.CreateJoinTokenRequest, ctx) => {
      const token = await tokens.create({ ttlSeconds: req.ttl ?? 0, agentSpiffeId: req.agent_spiffe_id ?? '' });
      ctx.audit({ token_hash_prefix: token.hashPrefix, agent_spiffe_id: token.agentSpiffeId, expires_at: token.expiresAt.toISOString() });
      return joinTokenToProto(token);
    }),

    ListAgents: admin(async (req: w.ListAgentsRequest) => {
      const page = await agents.list(
        {
          state: req.state,
          attestationType: req.attestation_type,
          selectors: selectorsFromProto(req.selectors),
          selectorMatch: setMatchFromProto(req.selector_match, 'selector_match'),
        },
        req.page,
      );
      return { agents: page.agents.map(agentToProto), next_page_token: page.nextPageToken };
    }),

    GetAgent: agentMethod((id) => agents.get(id)),
    EvictAgent: agentMethod((id) => agents.evict(id)),
    BanAgent: agentMethod((id) => agents.ban(id)),
    UnbanAgent: agentMethod((id) => agents.unban(id)),

    GetLocalBundle: admin(async () => bundleDocumentToProto(await bundles.getLocal())),

    ListFederatedBundles: admin(async (req: w.ListFederatedBundlesRequest) => {
      const page = await bundles.listFederated(req.page);
      return { bundles: page.bundles.map(bundleDocumentToProto), next_page_token: page.nextPageToken };
    }),

    GetFederatedBundle: admin(async (req: w.TrustDomainRef, ctx) => {
      ctx.audit({ trust_domain: req.trust_domain ?? '' });
      return bundleDocumentToProto(await bundles.getFederated(req.trust_domain ?? ''));
    }),

    SetFederatedBundle: admin(async (req: w.SetFederatedBundleRequest, ctx) => {
      ctx.audit({ trust_domain: req.trust_domain ?? '', format: req.format ?? '' });
      const view = await bundles.setFederated({ trustDomain: req.trust_domain ?? '', format: req.format ?? '', document: req.document ?? '' });
      ctx.audit({ sequence_number: view.sequenceNumber.toString() });
      return bundleDocumentToProto(view);
    }),

    DeleteFederatedBundle: admin(async (req: w.TrustDomainRef, ctx) => {
      ctx.audit({ trust_domain: req.trust_domain ?? '' });
      await bundles.deleteFederated(req.trust_domain ?? '');
      return {};
    }),

    CreateFederationRelationship: admin(async (req: w.CreateFederationRelationshipRequest, ctx) => {
      const draft = relationshipDraftFromProto(req.relationship);
      const bundle = bytesFromProto(req.trust_domain_bundle);
      ctx.audit({ trust_domain: draft.trustDomain, bundle_endpoint_profile: draft.bundleEndpointProfile, bootstrap_bundle: (bundle?.length ?? 0) > 0 });
      const view = await federation.create({ relationship: draft, trustDomainBundle: bundle, trustDomainBundleFormat: req.trust_domain_bundle_format ?? '' });
      return auditedRelationship(ctx, view);
    }),

    UpdateFederationRelationship: admin(async (req: w.UpdateFederationRelationshipRequest, ctx) => {
      const draft = relationshipDraftFromProto(req.relationship);
      const fields = relationshipMaskFromProto(req.mask);
      const masked = Object.entries(req.mask ?? {}).filter(([, set]) => set === true).map(([name]) => name).sort();
      ctx.audit({ trust_domain: draft.trustDomain, fields: fields === undefined ? ['*'] : masked });
      return auditedRelationship(ctx, await federation.update({ relationship: draft, fields }));
    }),

    DeleteFederationRelationship: admin(async (req: w.TrustDomainRef, ctx) => {
      ctx.audit({ trust_domain: req.trust_domain ?? '' });
      const deleted = await federation.delete(req.trust_domain ?? '');
      ctx.audit({ trust_domain: deleted.trustDomain });
      return {};
    }),

    GetFederationRelationship: admin(async (req: w.TrustDomainRef, ctx) => {
      ctx.audit({ trust_domain: req.trust_domain ?? '' });
      return auditedRelationship(ctx, await federation.get(req.trust_domain ?? ''));
    }),

    ListFederationRelationships: admin(async (req: w.ListFederationRelationshipsRequest) => {
      const page = await federation.list(req.page);
      return { relationships: page.relationships.map(relationshipToProto), next_page_token: page.nextPageToken };
    }),

    RefreshFederationRelationship: admin(async (req: w.TrustDomainRef, ctx) => {
      ctx.audit({ trust_domain: req.trust_domain ?? '' });
      return auditedRelationship(ctx, await federation.refresh(req.trust_domain ?? ''));
    }),
  };
}

/** The relationship on the wire, its trust domain (canonical, `spiffe://` stripped) in the audit line. */
function auditedRelationship(ctx: CallContext, view: RelationshipView): w.FederationRelationship__Output {
  ctx.audit({ trust_domain: view.relationship.trustDomain });
  return relationshipToProto(view);
}

function agentMethod(action: (spiffeId: string) => Promise<AgentRecord>): Unary<w.AgentRef, w.Agent__Output> {
  return admin(async (req: w.AgentRef, ctx) => {
    ctx.audit({ agent_id: req.spiffe_id ?? '' });
    return agentToProto(await action(req.spiffe_id ?? ''));
  });
}

/** The expected revision: `undefined` for 0 (no check); an unreadable value is NaN, which validation reports. */
function revisionOf(value: w.Entry['revision']): number | undefined {
  const revision = int64OrNaN(value);
  return revision === 0 ? undefined : revision;
}

function entryResults(outcomes: readonly ItemOutcome<RegistrationEntry>[], ctx: CallContext, list: string): w.EntryResult__Output[] {
  const ids = outcomes.filter((o) => o.ok).map((o) => (o.value as RegistrationEntry).id);
  ctx.audit({ entry_ids: ids, failed: outcomes.length - ids.length });
  return outcomes.map((o, i) => ({ status: itemStatus(o, ctx.logger, `${list}[${i}]`), entry: o.value === undefined ? null : entryToProto(o.value) }));
}
