/**
 * `@signet/federation`: SPIFFE Federation and OIDC discovery for Signet. Re-exports only.
 *
 * - The **bundle endpoint** serves the local trust domain's bundle (as the CA publishes it, kept
 *   current by the change log) to foreign trust domains, over `https_spiffe` (the server's
 *   X.509-SVID, followed as it rotates) or `https_web` (certificate files, reloaded when they
 *   change), with Mozilla intermediate TLS and no client authentication.
 * - The **bundle fetchers** poll every federation relationship's endpoint at its refresh hint
 *   (bounded), authenticate it per profile (`https_spiffe`: the endpoint's X.509-SVID against the
 *   bundle held for its trust domain, before any request is sent; `https_web`: Web PKI), refuse
 *   anything that is not a good, newer bundle of that trust domain (keeping the last good one),
 *   store new bundles with a `bundle.updated` event, and record their health in
 *   `federation_status`. One replica fetches each relationship at a time (a lease).
 * - The **OIDC discovery provider** serves `/.well-known/openid-configuration` and the JWKS of the
 *   JWT-SVID signing keys, so cloud providers can trust JWT-SVIDs as OIDC tokens.
 *
 * See `docs/federation.md` and `docs/oidc.md`.
 *
 * @example
 * ```ts
 * import { createFederationService, federationSection } from '@signet/federation';
 * const schema = configSchema(coreSections(), caSection, federationSection);
 * const federation = createFederationService({ db, trustDomain: config.trust_domain, config: config.federation, logger, svidSource });
 * await federation.start();
 * federation.endpoints(); // { bundle_endpoint_url, bundle_endpoint_spiffe_id, oidc_discovery_url?, oidc_issuer? }
 * ```
 * @module
 */
export { BUNDLE_ENDPOINT_PROFILES, federationConfigSchema, federationSection } from './config.js';
export type { BundleEndpointProfileName, FederationConfig } from './config.js';
export { createFederationService } from './app.js';
export type { CreateFederationServiceOptions, FederationEndpoints, FederationHealth, FederationService } from './app.js';

// Bundle endpoint
export { BundleEndpointServer, DEFAULT_REFRESH_HINT_SECONDS } from './endpoint/bundle-endpoint.js';
export type { BundleEndpointServerOptions } from './endpoint/bundle-endpoint.js';
export { FileTlsCredentials, SvidTlsCredentials } from './internal/credentials.js';
export type { FileTlsCredentialsOptions, TlsCredentials } from './internal/credentials.js';
export { MOZILLA_INTERMEDIATE_CIPHERS, SERVER_TLS_HARDENING } from './internal/tls.js';
export { LocalBundleCache, isLocalBundleChange } from './internal/local-bundle.js';
export type { LocalBundleCacheOptions } from './internal/local-bundle.js';

// Fetching
export { checkBundleEndpointUrl, fetchBundleDocument } from './fetch/client.js';
export type { FetchBundleOptions, FetchedDocument } from './fetch/client.js';
export { BundleFetchError, FETCH_ERROR_KINDS } from './fetch/errors.js';
export type { FetchErrorKind } from './fetch/errors.js';
export { decideUpdate, parseFetchedBundle } from './fetch/validate.js';
export type { UpdateDecision } from './fetch/validate.js';
export { backoffMs, refreshIntervalMs } from './fetch/schedule.js';
export type { RefreshBounds } from './fetch/schedule.js';
export { RelationshipFetcher } from './fetch/fetcher.js';
export type { FetcherDeps, RefreshOutcome, RefreshResult, RelationshipHealth } from './fetch/fetcher.js';
export { BundleFetchers } from './fetch/fetchers.js';

// OIDC discovery
export { OidcDiscoveryServer, DISCOVERY_PATH, JWKS_PATH } from './oidc/server.js';
export type { OidcDiscoveryServerOptions } from './oidc/server.js';
export { jwksOf, normalizeIssuer, openIdConfiguration, signingAlgorithm } from './oidc/documents.js';
export type { OpenIdConfiguration, SigningJwk } from './oidc/documents.js';

// Telemetry
export { FederationMetrics, isStale } from './telemetry/metrics.js';
export type { RelationshipMetricsView } from './telemetry/metrics.js';
