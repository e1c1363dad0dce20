/**
 * The generated protobuf types this service speaks (types only; the transport loads the
 * protos). Gathered here so the rest of the package never reaches into generated code.
 * @module
 */
export type { AttestAgentRequest__Output as AttestAgentRequest } from '../../../platform/src/gen/signet/signet/attestation/v1/AttestAgentRequest.js';
export type { AttestAgentResponse } from '../../../platform/src/gen/signet/signet/attestation/v1/AttestAgentResponse.js';
export type { RenewAgentRequest__Output as RenewAgentRequest } from '../../../platform/src/gen/signet/signet/attestation/v1/RenewAgentRequest.js';
export type { RenewAgentResponse } from '../../../platform/src/gen/signet/signet/attestation/v1/RenewAgentResponse.js';
export type { SyncAuthorizedRequest__Output as SyncAuthorizedRequest } from '../../../platform/src/gen/signet/signet/attestation/v1/SyncAuthorizedRequest.js';
export type { SyncAuthorizedResponse } from '../../../platform/src/gen/signet/signet/attestation/v1/SyncAuthorizedResponse.js';
export type { Entry as WireEntry } from '../../../platform/src/gen/signet/signet/types/v1/Entry.js';
export type { Bundle as WireBundle } from '../../../platform/src/gen/signet/signet/types/v1/Bundle.js';
export type { Selector as WireSelector } from '../../../platform/src/gen/signet/signet/types/v1/Selector.js';
