/**
 * The registrar's wire types: the TypeScript types generated from
 * `proto/signet/registrar/v1/registrar.proto` and `proto/signet/types/v1/types.proto`
 * (keepCase, int64 as decimal strings, enums as strings, bytes as `Buffer`), gathered in one
 * place so the rest of the package does not depend on where the generator writes them.
 * Request handlers accept the input types (every field optional); responses are the `__Output`
 * types (every field present).
 * @module
 */
export type { AgentRef, AgentRef__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/AgentRef.js';
export type { BundleDocument, BundleDocument__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/BundleDocument.js';
export type { CreateEntriesRequest, CreateEntriesRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/CreateEntriesRequest.js';
export type { CreateEntriesResponse, CreateEntriesResponse__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/CreateEntriesResponse.js';
export type { CreateJoinTokenRequest, CreateJoinTokenRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/CreateJoinTokenRequest.js';
export type { DeleteEntriesRequest, DeleteEntriesRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/DeleteEntriesRequest.js';
export type { DeleteEntriesResponse, DeleteEntriesResponse__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/DeleteEntriesResponse.js';
export type { DeleteFederatedBundleResponse, DeleteFederatedBundleResponse__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/DeleteFederatedBundleResponse.js';
export type { EntryResult, EntryResult__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/EntryResult.js';
export type { EntryUpdate, EntryUpdate__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/EntryUpdate.js';
export type { GetAgentRequest, GetAgentRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/GetAgentRequest.js';
export type { GetEntryRequest, GetEntryRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/GetEntryRequest.js';
export type { GetLocalBundleRequest, GetLocalBundleRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/GetLocalBundleRequest.js';
export type { JoinToken, JoinToken__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/JoinToken.js';
export type { ListAgentsRequest, ListAgentsRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/ListAgentsRequest.js';
export type { ListAgentsResponse, ListAgentsResponse__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/ListAgentsResponse.js';
export type { ListEntriesRequest, ListEntriesRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/ListEntriesRequest.js';
export type { ListEntriesResponse, ListEntriesResponse__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/ListEntriesResponse.js';
export type { ListFederatedBundlesRequest, ListFederatedBundlesRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/ListFederatedBundlesRequest.js';
export type { ListFederatedBundlesResponse, ListFederatedBundlesResponse__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/ListFederatedBundlesResponse.js';
export type { SetFederatedBundleRequest, SetFederatedBundleRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/SetFederatedBundleRequest.js';
export type { TrustDomainRef, TrustDomainRef__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/TrustDomainRef.js';
export type { UpdateEntriesRequest, UpdateEntriesRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/UpdateEntriesRequest.js';
export type { UpdateEntriesResponse, UpdateEntriesResponse__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/UpdateEntriesResponse.js';
export type { CreateFederationRelationshipRequest, CreateFederationRelationshipRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/CreateFederationRelationshipRequest.js';
export type { DeleteFederationRelationshipResponse, DeleteFederationRelationshipResponse__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/DeleteFederationRelationshipResponse.js';
export type { ListFederationRelationshipsRequest, ListFederationRelationshipsRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/ListFederationRelationshipsRequest.js';
export type { ListFederationRelationshipsResponse, ListFederationRelationshipsResponse__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/ListFederationRelationshipsResponse.js';
export type { UpdateFederationRelationshipRequest, UpdateFederationRelationshipRequest__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/UpdateFederationRelationshipRequest.js';
export type { SelectorMatch, SelectorMatch__Output } from '../../../platform/src/gen/signet/signet/registrar/v1/SelectorMatch.js';
export type { Agent, Agent__Output } from '../../../platform/src/gen/signet/signet/types/v1/Agent.js';
export type { Bundle, Bundle__Output } from '../../../platform/src/gen/signet/signet/types/v1/Bundle.js';
export type { Entry, Entry__Output } from '../../../platform/src/gen/signet/signet/types/v1/Entry.js';
export type { EntryMask, EntryMask__Output } from '../../../platform/src/gen/signet/signet/types/v1/EntryMask.js';
export type { FederationHealth, FederationHealth__Output } from '../../../platform/src/gen/signet/signet/types/v1/FederationHealth.js';
export type { FederationRelationship, FederationRelationship__Output } from '../../../platform/src/gen/signet/signet/types/v1/FederationRelationship.js';
export type { FederationRelationshipMask, FederationRelationshipMask__Output } from '../../../platform/src/gen/signet/signet/types/v1/FederationRelationshipMask.js';
export type { ItemStatus, ItemStatus__Output } from '../../../platform/src/gen/signet/signet/types/v1/ItemStatus.js';
export type { JwtKey, JwtKey__Output } from '../../../platform/src/gen/signet/signet/types/v1/JwtKey.js';
export type { PageRequest, PageRequest__Output } from '../../../platform/src/gen/signet/signet/types/v1/PageRequest.js';
export type { Selector, Selector__Output } from '../../../platform/src/gen/signet/signet/types/v1/Selector.js';
