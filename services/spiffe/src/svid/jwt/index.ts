/**
 * JWT-SVIDs (JWT-SVID specification): minting, validating against JWT bundles, and reading without
 * verification for display.
 * @module
 */
export { mintJwtSvid } from './mint.js';
export type { MintJwtSvidParams } from './mint.js';
export { parseAndValidateJwtSvid, MAX_CLOCK_SKEW_SECONDS } from './validate.js';
export type { JwtSvidValidationOptions } from './validate.js';
export { parseInsecureJwtSvid } from './insecure.js';
export { JWT_SVID_ALGORITHMS, isJwtSvidAlgorithm } from './algorithms.js';
export type { JwtSvidAlgorithm } from './algorithms.js';
export { MAX_JWT_SVID_LENGTH } from './token.js';
export type { JwtSvid, JwtSvidHeader } from './svid.js';
