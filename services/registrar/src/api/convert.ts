/**
 * Every conversion between the registrar's wire types and its domain, in one place.
 * @module
 */
export { entryDraftFromProto, entryToProto, maskFromProto, selectorsFromProto, setMatchFromProto } from './convert/entry.js';
export { agentToProto } from './convert/agent.js';
export { bundleDocumentToProto, joinTokenToProto } from './convert/bundle.js';
export { bytesFromProto, relationshipDraftFromProto, relationshipMaskFromProto, relationshipToProto } from './convert/federation.js';
export { itemStatus, OK_STATUS } from './convert/status.js';
