/**
 * Test helpers for code that handles SPIFFE credentials: an in-memory CA issuing valid and
 * deliberately defective X.509 certificates, and key generation. Not for production use.
 * @module
 */
export { TestCa } from './test-ca.js';
export type { TestCaOptions, TestChildCaOptions, TestSvidOptions, TestCertificate } from './test-ca.js';
export type { TestCertificateSpec, RawTestExtension } from './certificate-spec.js';
export { generateTestKey } from './keys.js';
export type { TestKeyType, TestKeyPair } from './keys.js';
