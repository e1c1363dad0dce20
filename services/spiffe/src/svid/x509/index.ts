/**
 * X.509-SVIDs (X509-SVID spec): parsing and validating SVIDs, verifying peer chains against trust
 * bundles, minting leaves fast from a CA key, parsing CSRs, and minting CA certificates.
 * @module
 */
export { X509Svid } from './svid.js';
export { encodePem, parsePemCertificates, splitDerCertificates } from './encoding.js';
export type { X509SvidLeafInfo } from './svid.js';
export { verifyX509Svid } from './verify.js';
export type { VerifyX509SvidOptions, VerifiedX509Svid } from './verify.js';
export { X509SvidMinter } from './minter.js';
export type { X509SvidMinterParams, MintX509SvidParams, MintedX509Svid } from './minter.js';
export { parseCsr, createCsr } from './csr.js';
export { p256VerifierInUse } from '../../internal/native-ec.js';
export type { Csr, CreateCsrParams } from './csr.js';
export { createSelfSignedCa, createIntermediateCa } from './ca.js';
export type { X509CaParams, SelfSignedCaParams, IntermediateCaParams } from './ca.js';
export type { DistinguishedName } from './name.js';
export type { KeyUsageName } from './key-usage.js';
export { parsePrivateKey } from '../../internal/keys.js';
