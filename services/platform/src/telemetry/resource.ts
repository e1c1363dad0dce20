/**
 * The OpenTelemetry resource describing this process.
 * @module
 */
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

/** Resource attribute naming the SPIFFE trust domain the process serves. */
export const ATTR_SPIFFE_TRUST_DOMAIN = 'spiffe.trust_domain';

/** What {@link buildResource} describes. */
export interface ResourceOptions {
  /** `service.name`, e.g. `signet` or `signet-ca`. */
  readonly serviceName: string;
  /** `service.version`. */
  readonly version: string;
  /** `spiffe.trust_domain`. */
  readonly trustDomain: string;
  /** Further attributes (`deployment.environment`, …); they cannot replace the three above. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/**
 * Builds the resource from explicit values only: unlike the SDK's default resource it reads
 * no environment variables (`OTEL_RESOURCE_ATTRIBUTES`), since Signet config is the one
 * source of settings.
 *
 * @example
 * ```ts
 * buildResource({ serviceName: 'signet-ca', version: '0.1.0', trustDomain: 'example.org' })
 *   .attributes['spiffe.trust_domain']; // 'example.org'
 * ```
 */
export function buildResource(options: ResourceOptions): Resource {
  return resourceFromAttributes({
    ...options.attributes,
    [ATTR_SERVICE_NAME]: options.serviceName,
    [ATTR_SERVICE_VERSION]: options.version,
    [ATTR_SPIFFE_TRUST_DOMAIN]: options.trustDomain,
  });
}
