/**
 * Signet's protos, loaded once at runtime with the options the generated types in `gen/` were
 * made with, and their service definitions.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type Client, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import type { ProtoGrpcType as AttestationProto } from '../gen/signet/attestation.js';
import type { ProtoGrpcType as CaProto } from '../gen/signet/ca.js';
import type { ProtoGrpcType as RegistrarProto } from '../gen/signet/registrar.js';
import type { AttestationClient, AttestationDefinition } from '../gen/signet/signet/attestation/v1/Attestation.js';
import type { CAClient, CADefinition } from '../gen/signet/signet/ca/v1/CA.js';
import type { RegistrarClient, RegistrarDefinition } from '../gen/signet/signet/registrar/v1/Registrar.js';
import type { SpiffeWorkloadAPIClient, SpiffeWorkloadAPIDefinition } from '../gen/workload/SpiffeWorkloadAPI.js';
import type { ProtoGrpcType as WorkloadProto } from '../gen/workload/workload.js';

export type { AttestationClient, AttestationDefinition, CAClient, CADefinition, RegistrarClient, RegistrarDefinition };
export type { SpiffeWorkloadAPIClient, SpiffeWorkloadAPIDefinition };

/**
 * The proto-loader options. They must match the flags of `scripts/gen-proto.sh`, which generated
 * the types in `gen/`: field names as written (snake_case), 64-bit integers as decimal strings,
 * enums as their names, defaults for unset fields, a virtual field naming the set member of
 * each oneof, and `bytes` as `Buffer` (proto-loader's default).
 */
export const PROTO_LOADER_OPTIONS: Readonly<Options> = Object.freeze({
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

/** The proto files Signet serves or calls, relative to the `proto/` directory. */
export const PROTO_FILES: readonly string[] = Object.freeze([
  'signet/types/v1/types.proto',
  'signet/ca/v1/ca.proto',
  'signet/registrar/v1/registrar.proto',
  'signet/attestation/v1/attestation.proto',
  'spiffe/workload/workload.proto',
]);

/** The loaded protos: every package, typed with the generated `ProtoGrpcType`s. */
export type SignetGrpcObject = CaProto & RegistrarProto & AttestationProto & WorkloadProto;

/** Signet's service definitions, as `addService` and `createGrpcClient` take them. */
export interface SignetProtos {
  readonly ca: CADefinition;
  readonly registrar: RegistrarDefinition;
  readonly attestation: AttestationDefinition;
  readonly workload: SpiffeWorkloadAPIDefinition;
  /** Every message and service, for encoding or decoding outside a call. */
  readonly grpcObject: SignetGrpcObject;
  /** The raw package definition. */
  readonly packageDefinition: PackageDefinition;
}

/** The client type of a service definition (a plain `Client` for definitions not listed). */
export type ClientOf<D extends ServiceDefinition> = D extends CADefinition
  ? CAClient
  : D extends RegistrarDefinition
    ? RegistrarClient
    : D extends AttestationDefinition
      ? AttestationClient
      : D extends SpiffeWorkloadAPIDefinition
        ? SpiffeWorkloadAPIClient
        : Client;

/**
 * The repository's `proto/` directory. This module sits at `services/platform/{src,dist}/grpc/`
 * in both the sources and the build, so the directory is four levels up from it.
 */
export function protoDirectory(): string {
  return fileURLToPath(new URL('../../../../proto/', import.meta.url));
}

let loaded: SignetProtos | undefined;

/**
 * Signet's protos, loaded on first use and cached for the process.
 *
 * @example
 * ```ts
 * const protos = signetProtos();
 * server.addService(protos.ca, caService);
 * const ca = createGrpcClient(protos.ca, 'unix:///run/signet/admin.sock');
 * ```
 */
export function signetProtos(): SignetProtos {
  if (loaded !== undefined) return loaded;
  const packageDefinition = loadSync([...PROTO_FILES], { ...PROTO_LOADER_OPTIONS, includeDirs: [protoDirectory()] });
  const grpcObject = loadPackageDefinition(packageDefinition) as unknown as SignetGrpcObject;
  loaded = Object.freeze({
    ca: grpcObject.signet.ca.v1.CA.service,
    registrar: grpcObject.signet.registrar.v1.Registrar.service,
    attestation: grpcObject.signet.attestation.v1.Attestation.service,
    workload: grpcObject.SpiffeWorkloadAPI.service,
    grpcObject,
    packageDefinition,
  });
  return loaded;
}
