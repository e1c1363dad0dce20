/**
 * `signet.ca.v1.CA`: the transport-independent implementation of every method. Handlers convert
 * the request, call the signer or the authority manager, and convert the result; who may call
 * what is the `allow` list of each method (and the signer's rules); the signing methods are rate
 * limited per caller with `@signet/platform`'s `withRateLimit`.
 * @module
 */
import type { Authority, AuthorityKind, StoredBundle } from '@signet/datastore';
import { ApiError, unary, withRateLimit, type CallContext, type Caller, type MethodSpec, type RateLimiter, type ServiceImpl } from '@signet/platform';
import type { TrustDomain } from '@signet/spiffe';
import type { AuthoritySnapshot } from '../../../authority/snapshot.js';
import type { SignedX509Svid } from '../../../signing/requests.js';
import type { CaSigner } from '../../../signing/signer.js';
import {
  agentRequestFromProto,
  authorityToProto,
  bundleToProto,
  itemStatus,
  jwtRequestFromProto,
  jwtSvidToProto,
  kindFromProto,
  x509RequestFromProto,
  x509SvidToProto,
} from '../../convert.js';
import type {
  AuthorityKindRef,
  AuthorityRef,
  BatchMintX509SvidRequest,
  BatchMintX509SvidResponse,
  GetBundleRequest,
  ListAuthoritiesRequest,
  ListAuthoritiesResponse,
  MintJwtSvidRequest,
  MintJwtSvidResponse,
  MintX509SvidRequest,
  MintX509SvidResponse,
  ProtoAuthority,
  ProtoBundle,
} from '../../proto-types.js';

/** The authority operations the API exposes (the authority manager). */
export interface AuthorityAdmin {
  readonly snapshot: AuthoritySnapshot;
  list(kind?: AuthorityKind): Promise<Authority[]>;
  localBundle(): Promise<StoredBundle | undefined>;
  prepare(kind: AuthorityKind): Promise<Authority>;
  activate(kind: AuthorityKind, id?: string): Promise<Authority>;
  taint(kind: AuthorityKind, id: string): Promise<Authority>;
  revoke(kind: AuthorityKind, id: string): Promise<Authority>;
}

/** Dependencies of {@link caService}. */
export interface CaServiceDeps {
  readonly trustDomain: TrustDomain;
  readonly signer: Pick<CaSigner, 'signX509Svid' | 'signAgentX509Svid' | 'signJwtSvid'>;
  readonly authorities: AuthorityAdmin;
  /** Limits SVIDs per caller (a batch costs one token per request); absent: no limit. */
  readonly limiter?: RateLimiter | undefined;
  /** Most requests in one BatchMintX509Svid (default 1000). */
  readonly maxBatch?: number;
}

const SIGNERS = ['agent', 'admin', 'server'] as const;

/**
 * The CA service.
 *
 * @example
 * ```ts
 * const service = caService({ trustDomain, signer, authorities: manager, limiter });
 * const res = await service.MintX509Svid.handler(request, ctx); // normally called by the transport
 * ```
 */
export function caService(deps: CaServiceDeps): ServiceImpl {
  const { signer, authorities, limiter, trustDomain } = deps;
  const maxBatch = deps.maxBatch ?? 1000;

  const limited = <Req, Res>(spec: MethodSpec<Req, Res>, cost?: (request: Req) => number): MethodSpec<Req, Res> =>
    limiter === undefined ? spec : withRateLimit(spec, { limiter, ...(cost === undefined ? {} : { cost }) });

  const mintOne = async (caller: Caller, req: MintX509SvidRequest): Promise<SignedX509Svid> => {
    if (caller.kind === 'server') return signer.signAgentX509Svid(caller, agentRequestFromProto(req));
    return signer.signX509Svid(caller, x509RequestFromProto(req));
  };

  const auditSvid = (ctx: CallContext, svid: SignedX509Svid): void =>
    ctx.audit({ spiffe_id: svid.spiffeId, entry_id: svid.entryId, serial: svid.serialNumber, authority_id: svid.authorityId, expires_at: svid.expiresAt.toISOString() });

  const authorityOp = (op: (kind: AuthorityKind, id: string) => Promise<Authority>, needsId: boolean) =>
    unary<AuthorityRef, ProtoAuthority>(
      ['admin'],
      async (req, ctx) => {
        const kind = kindFromProto(req.kind);
        if (needsId && req.id === '') throw ApiError.invalid('id', 'required: the authority id');
        const authority = await op(kind, req.id);
        ctx.audit({ kind, authority_id: authority.id, state: authority.state });
        return authorityToProto(authority);
      },
      { audit: true },
    );

  return {
    MintX509Svid: limited(
      unary<MintX509SvidRequest, MintX509SvidResponse>(SIGNERS, async (req, ctx) => {
        const svid = await mintOne(ctx.caller, req);
        auditSvid(ctx, svid);
        return x509SvidToProto(svid);
      }),
    ),

    BatchMintX509Svid: limited(
      unary<BatchMintX509SvidRequest, BatchMintX509SvidResponse>(SIGNERS, async (req, ctx) => {
        if (req.requests.length === 0) throw ApiError.invalid('requests', 'at least one request is required');
        if (req.requests.length > maxBatch) throw ApiError.invalid('requests', `at most ${maxBatch} requests per batch`);
        const results = await Promise.all(
          req.requests.map(async (item, i) => {
            try {
              return { status: itemStatus(undefined, ''), svid: x509SvidToProto(await mintOne(ctx.caller, item)) };
            } catch (err) {
              return { status: itemStatus(err, `requests[${i}]`), svid: null };
            }
          }),
        );
        ctx.audit({ requested: req.requests.length, issued: results.filter((r) => r.svid !== null).length });
        return { results };
      }),
      (req) => Math.max(1, req.requests.length),
    ),

    MintJwtSvid: limited(
      unary<MintJwtSvidRequest, MintJwtSvidResponse>(['agent', 'admin'], async (req, ctx) => {
        const svid = await signer.signJwtSvid(ctx.caller, jwtRequestFromProto(req));
        ctx.audit({ spiffe_id: svid.spiffeId, entry_id: svid.entryId, key_id: svid.keyId, audience: req.audience, expires_at: svid.expiresAt.toISOString() });
        return jwtSvidToProto(svid);
      }),
    ),

    GetBundle: unary<GetBundleRequest, ProtoBundle>(SIGNERS, async () => {
      const stored = await authorities.localBundle();
      if (stored === undefined) throw new ApiError('unavailable', 'ca: the trust bundle has not been published yet');
      return bundleToProto(trustDomain, stored, authorities.snapshot.authorities);
    }),

    ListAuthorities: unary<ListAuthoritiesRequest, ListAuthoritiesResponse>(['admin'], async (req) => {
      const list = await authorities.list(req.kind === '' ? undefined : kindFromProto(req.kind));
      return { authorities: list.map(authorityToProto) };
    }),

    PrepareAuthority: unary<AuthorityKindRef, ProtoAuthority>(
      ['admin'],
      async (req, ctx) => {
        const authority = await authorities.prepare(kindFromProto(req.kind));
        ctx.audit({ kind: authority.kind, authority_id: authority.id });
        return authorityToProto(authority);
      },
      { audit: true },
    ),

    ActivateAuthority: authorityOp((kind, id) => authorities.activate(kind, id), false),
    TaintAuthority: authorityOp((kind, id) => authorities.taint(kind, id), true),
    RevokeAuthority: authorityOp((kind, id) => authorities.revoke(kind, id), true),
  } satisfies ServiceImpl;
}
