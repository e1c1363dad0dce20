/**
 * Envoy's xDS protos, loaded once, lazily, from the copy shipped in `@grpc/grpc-js-xds`: the
 * gRPC definition of `envoy.service.secret.v3.SecretDiscoveryService` (through
 * `@grpc/proto-loader`) and the protobufjs types that encode the `Secret` resources.
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

/** The type URL of SDS resources, on every response and every `Any`. */
export const SECRET_TYPE_URL = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

/** The type URL of Envoy's SPIFFE certificate validator configuration. */
export const SPIFFE_VALIDATOR_TYPE_URL = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig';

/** The extension name of Envoy's SPIFFE certificate validator. */
export const SPIFFE_VALIDATOR_NAME = 'envoy.tls.cert_validator.spiffe';

/** Fully qualified name of the SDS service. */
export const SDS_SERVICE_NAME = 'envoy.service.secret.v3.SecretDiscoveryService';

/** The `@grpc/proto-loader` options every SDS message is (de)serialized with. */
export const SDS_LOADER_OPTIONS: protoLoader.Options = Object.freeze({
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

const SDS_PROTO = 'envoy/service/secret/v3/sds.proto';
const SECRET_PROTOS = [
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls_spiffe_validator_config.proto',
];

/** The loaded protos. */
export interface SdsProtos {
  /** The include directories (for clients loading the same protos). */
  readonly includeDirs: readonly string[];
  /** The proto-loader package definition holding the SDS service and its messages. */
  readonly packageDefinition: protoLoader.PackageDefinition;
  /** The grpc-js definition of `SecretDiscoveryService`. */
  readonly service: ServiceDefinition;
  /** `envoy.extensions.transport_sockets.tls.v3.Secret`. */
  readonly Secret: protobuf.Type;
  /** `envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig`. */
  readonly SpiffeValidatorConfig: protobuf.Type;
  /** `envoy.service.discovery.v3.DiscoveryRequest` (snake_case field names, as proto-loader's `keepCase`). */
  readonly DiscoveryRequest: protobuf.Type;
  /**
   * `DiscoveryRequest` with its `node` (field 2) read as raw bytes: how the server decodes
   * `StreamSecrets` requests. Envoy sends its node on every request unless told otherwise, and a
   * real Envoy's node lists its extensions (hundreds): decoding it on every ACK cost about 120 µs
   * where the rest of the ACK costs under 2 µs. The session decodes the node once (`Node`).
   */
  readonly DiscoveryRequestRawNode: protobuf.Type;
  /** `envoy.config.core.v3.Node`. */
  readonly Node: protobuf.Type;
}

let cached: SdsProtos | undefined;

/** The include directories of Envoy's protos inside `@grpc/grpc-js-xds`. */
export function envoyProtoDirs(): string[] {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  return ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(pkg, 'deps', d));
}

/** Loads (on first call) and returns the SDS protos. Synchronous; about 0.2 s the first time. */
export function sdsProtos(): SdsProtos {
  if (cached !== undefined) return cached;
  const includeDirs = envoyProtoDirs();
  const packageDefinition = protoLoader.loadSync(SDS_PROTO, { ...SDS_LOADER_OPTIONS, includeDirs });
  const service = packageDefinition[SDS_SERVICE_NAME] as ServiceDefinition | undefined;
  if (service === undefined) throw new Error(`${SDS_PROTO} does not define ${SDS_SERVICE_NAME}`);
  const root = loadProtobufRoot(includeDirs);
  const discoveryRequest = root.lookupType('envoy.service.discovery.v3.DiscoveryRequest');
  cached = Object.freeze({
    includeDirs: Object.freeze([...includeDirs]),
    packageDefinition,
    service,
    Secret: root.lookupType('envoy.extensions.transport_sockets.tls.v3.Secret'),
    SpiffeValidatorConfig: root.lookupType('envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig'),
    DiscoveryRequest: discoveryRequest,
    DiscoveryRequestRawNode: withRawField(discoveryRequest, 'node'),
    Node: root.lookupType('envoy.config.core.v3.Node'),
  });
  return cached;
}

/** A copy of `type` (in the same namespace) whose field `name` is read as `bytes`, undecoded. */
function withRawField(type: protobuf.Type, name: string): protobuf.Type {
  const copy = new protobuf.Type(`${type.name}Raw${name[0]!.toUpperCase()}${name.slice(1)}`);
  for (const field of type.fieldsArray) {
    copy.add(new protobuf.Field(field.name, field.id, field.name === name ? 'bytes' : field.type, field.repeated ? 'repeated' : undefined));
  }
  (type.parent as protobuf.Namespace).add(copy);
  copy.resolveAll();
  return copy;
}

/** A protobufjs root with the Secret types; `google/protobuf/*` from protobufjs' bundled copies. */
function loadProtobufRoot(includeDirs: readonly string[]): protobuf.Root {
  const require = createRequire(import.meta.url);
  const dirs = [...includeDirs, dirname(require.resolve('protobufjs/package.json'))];
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (target in protobuf.common || isAbsolute(target)) return target;
    for (const dir of dirs) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync(SECRET_PROTOS, { keepCase: true });
  root.resolveAll();
  return root;
}
