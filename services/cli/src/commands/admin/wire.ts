/**
 * The generated message types of Signet's admin APIs that the admin commands use, in one place.
 * `@signet/platform` does not export its generated code, so they are imported from its source
 * tree, type-only: nothing of it is loaded at run time.
 * @module
 */
export type { BundleDocument__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/BundleDocument.js';
export type { CreateEntriesResponse__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/CreateEntriesResponse.js';
export type { DeleteEntriesResponse__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/DeleteEntriesResponse.js';
export type { DeleteFederatedBundleResponse__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/DeleteFederatedBundleResponse.js';
export type { EntryResult__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/EntryResult.js';
export type { EntryUpdate } from '../../../../platform/src/gen/signet/signet/registrar/v1/EntryUpdate.js';
export type { JoinToken__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/JoinToken.js';
export type { UpdateEntriesResponse__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/UpdateEntriesResponse.js';
export type { ListAgentsRequest } from '../../../../platform/src/gen/signet/signet/registrar/v1/ListAgentsRequest.js';
export type { ListAgentsResponse__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/ListAgentsResponse.js';
export type { ListEntriesRequest } from '../../../../platform/src/gen/signet/signet/registrar/v1/ListEntriesRequest.js';
export type { ListEntriesResponse__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/ListEntriesResponse.js';
export type { ListFederatedBundlesResponse__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/ListFederatedBundlesResponse.js';
export type { SelectorMatch } from '../../../../platform/src/gen/signet/signet/registrar/v1/SelectorMatch.js';
export type { Agent__Output } from '../../../../platform/src/gen/signet/signet/types/v1/Agent.js';
export type { Authority__Output } from '../../../../platform/src/gen/signet/signet/types/v1/Authority.js';
export type { Bundle__Output } from '../../../../platform/src/gen/signet/signet/types/v1/Bundle.js';
export type { Entry, Entry__Output } from '../../../../platform/src/gen/signet/signet/types/v1/Entry.js';
export type { EntryMask } from '../../../../platform/src/gen/signet/signet/types/v1/EntryMask.js';
export type { ItemStatus__Output } from '../../../../platform/src/gen/signet/signet/types/v1/ItemStatus.js';
export type { Selector } from '../../../../platform/src/gen/signet/signet/types/v1/Selector.js';
export type { ListAuthoritiesResponse__Output } from '../../../../platform/src/gen/signet/signet/ca/v1/ListAuthoritiesResponse.js';
export type { MintJwtSvidResponse__Output } from '../../../../platform/src/gen/signet/signet/ca/v1/MintJwtSvidResponse.js';
export type { MintX509SvidResponse__Output } from '../../../../platform/src/gen/signet/signet/ca/v1/MintX509SvidResponse.js';
