/**
 * The generated message types of `signet.ca.v1` and `signet.types.v1` that the CA API uses, in
 * one place. `@signet/platform` does not export its generated code yet, so they are imported
 * from its source tree (type-only: nothing of it is loaded at run time).
 * @module
 */
export type { AuthorityKindRef__Output as AuthorityKindRef } from '../../../platform/src/gen/signet/signet/ca/v1/AuthorityKindRef.js';
export type { AuthorityRef__Output as AuthorityRef } from '../../../platform/src/gen/signet/signet/ca/v1/AuthorityRef.js';
export type { BatchMintX509SvidRequest__Output as BatchMintX509SvidRequest } from '../../../platform/src/gen/signet/signet/ca/v1/BatchMintX509SvidRequest.js';
export type { BatchMintX509SvidResponse } from '../../../platform/src/gen/signet/signet/ca/v1/BatchMintX509SvidResponse.js';
export type { BatchMintX509SvidResult } from '../../../platform/src/gen/signet/signet/ca/v1/BatchMintX509SvidResult.js';
export type { GetBundleRequest__Output as GetBundleRequest } from '../../../platform/src/gen/signet/signet/ca/v1/GetBundleRequest.js';
export type { ListAuthoritiesRequest__Output as ListAuthoritiesRequest } from '../../../platform/src/gen/signet/signet/ca/v1/ListAuthoritiesRequest.js';
export type { ListAuthoritiesResponse } from '../../../platform/src/gen/signet/signet/ca/v1/ListAuthoritiesResponse.js';
export type { MintJwtSvidRequest__Output as MintJwtSvidRequest } from '../../../platform/src/gen/signet/signet/ca/v1/MintJwtSvidRequest.js';
export type { MintJwtSvidResponse } from '../../../platform/src/gen/signet/signet/ca/v1/MintJwtSvidResponse.js';
export type { MintX509SvidRequest__Output as MintX509SvidRequest } from '../../../platform/src/gen/signet/signet/ca/v1/MintX509SvidRequest.js';
export type { MintX509SvidResponse } from '../../../platform/src/gen/signet/signet/ca/v1/MintX509SvidResponse.js';
export type { Authority as ProtoAuthority } from '../../../platform/src/gen/signet/signet/types/v1/Authority.js';
export type { Bundle as ProtoBundle } from '../../../platform/src/gen/signet/signet/types/v1/Bundle.js';
export type { ItemStatus } from '../../../platform/src/gen/signet/signet/types/v1/ItemStatus.js';
export type { JwtKey as ProtoJwtKey } from '../../../platform/src/gen/signet/signet/types/v1/JwtKey.js';
