/**
 * SPIFFE Verifiable Identity Documents: X.509-SVIDs and JWT-SVIDs.
 * @module
 */
export * from './x509/index.js';
export * from './jwt/index.js';
