/**
 * `signet federation create|update|delete|show|list|refresh`: the federation relationships of the
 * registrar, i.e. which foreign trust domains' bundles the server fetches, from where
 * (`--bundle-endpoint-url`) and how the endpoint is authenticated (`--bundle-endpoint-profile`
 * `https_web` or `https_spiffe`), with the health of the fetching (last refresh, last error,
 * bundle age, staleness).
 * @module
 */
import { CommandError, UsageError, type Command, type CommandContext, type FlagSpec } from '../../command.js';
import { adminFlags, withAdmin, type AdminConnection } from '../../admin-client.js';
import { printData, renderTable } from '../../output.js';
import { boolFlag, hasFlag, parseChoice, parsePageSize, readInput, requiredFlag, stringFlag } from './flags.js';
import {
  relationshipDetails,
  relationshipsTable,
  type CreateFederationRelationshipRequest,
  type DeleteFederationRelationshipResponse__Output,
  type FederationRelationship,
  type FederationRelationship__Output,
  type FederationRelationshipMask,
  type ListFederationRelationshipsResponse__Output,
} from './federation-format.js';

/** The bundle endpoint profiles. */
export const PROFILES = ['https_web', 'https_spiffe'] as const;
/** The formats of `--trust-domain-bundle-path`. */
export const BUNDLE_FORMATS = ['spiffe', 'pem'] as const;

const RELATIONSHIP_JSON =
  'With --output json: the signet.types.v1.FederationRelationship message with its "health", times (Unix seconds)\n' +
  'and other 64-bit integers as decimal strings.';

const trustDomainFlag = { 'trust-domain': { type: 'string', value: 'TRUST_DOMAIN', description: 'the foreign trust domain, e.g. partner.example (required)' } } as const;

const relationshipFlags = {
  'bundle-endpoint-url': { type: 'string', value: 'URL', description: 'https:// URL of its SPIFFE bundle endpoint' },
  'bundle-endpoint-profile': { type: 'string', value: 'PROFILE', description: 'https_web (Web PKI) or https_spiffe (the endpoint presents an X509-SVID)' },
  'endpoint-spiffe-id': { type: 'string', value: 'ID', description: 'https_spiffe: the SPIFFE ID the endpoint presents, in that trust domain' },
  'trusted-by-all': { type: 'boolean', description: 'every workload trusts the trust domain, not only entries that federate with it' },
} as const satisfies Record<string, FlagSpec>;

const bundleFlags = {
  'trust-domain-bundle-path': {
    type: 'string',
    value: 'FILE',
    description: 'its bundle to start from, - for standard input (required for https_spiffe: it authenticates the endpoint until the first fetch)',
  },
  'trust-domain-bundle-format': {
    type: 'string',
    value: 'FORMAT',
    description: 'spiffe (a SPIFFE bundle document) or pem (X.509 authorities); default: recognised from the file',
  },
} as const satisfies Record<string, FlagSpec>;

function profileOf(ctx: Pick<CommandContext, 'flags'>): (typeof PROFILES)[number] | undefined {
  const text = stringFlag(ctx, 'bundle-endpoint-profile');
  return text === undefined ? undefined : parseChoice(text, 'bundle-endpoint-profile', PROFILES);
}

/** The bootstrap bundle of `--trust-domain-bundle-path` and its format, or `undefined`. */
async function bundleFromFlags(ctx: Pick<CommandContext, 'flags'>): Promise<{ bundle: Buffer; format: string } | undefined> {
  const formatText = stringFlag(ctx, 'trust-domain-bundle-format');
  const format = formatText === undefined ? undefined : parseChoice(formatText, 'trust-domain-bundle-format', BUNDLE_FORMATS);
  const path = stringFlag(ctx, 'trust-domain-bundle-path');
  if (path === undefined || path === '') {
    if (format !== undefined) throw new UsageError('--trust-domain-bundle-format needs --trust-domain-bundle-path');
    return undefined;
  }
  let text: string;
  try {
    text = await readInput(path);
  } catch (err) {
    throw new CommandError(`--trust-domain-bundle-path: cannot read ${path === '-' ? 'standard input' : path}: ${(err as Error).message}`);
  }
  return { bundle: Buffer.from(text, 'utf8'), format: format ?? (text.trimStart().startsWith('-----BEGIN') ? 'pem' : 'spiffe') };
}

/** Prints a relationship after a write: a line saying what happened and the details, or the message as JSON. */
function printWritten(ctx: CommandContext, relationship: FederationRelationship__Output, done: string): void {
  printData(ctx.stdout, ctx.output, relationship, (r) => `${done}\n${relationshipDetails(r)}`);
}

/** `signet federation create`. */
export const federationCreateCommand: Command = {
  path: ['federation', 'create'],
  summary: 'Create a federation relationship with a foreign trust domain',
  description:
    'The server fetches the bundle of --trust-domain from --bundle-endpoint-url and keeps it fresh. With\n' +
    '--bundle-endpoint-profile https_spiffe the endpoint must present --endpoint-spiffe-id, checked against the\n' +
    "trust domain's bundle: give the bundle to start from with --trust-domain-bundle-path. With https_web the\n" +
    'endpoint presents a Web PKI certificate and the bundle is optional.\n' +
    RELATIONSHIP_JSON,
  flags: { ...adminFlags, ...trustDomainFlag, ...relationshipFlags, ...bundleFlags },
  printsData: true,
  examples: [
    'signet federation create --trust-domain partner.example --bundle-endpoint-url https://partner.example/bundle --bundle-endpoint-profile https_web',
    'signet federation create --trust-domain partner.example --bundle-endpoint-url https://spire.partner.example:8443 \\\n' +
      '    --bundle-endpoint-profile https_spiffe --endpoint-spiffe-id spiffe://partner.example/spire/server --trust-domain-bundle-path partner.json',
  ],
  async run(ctx) {
    const trustDomain = requiredFlag(ctx, 'trust-domain');
    const url = requiredFlag(ctx, 'bundle-endpoint-url');
    requiredFlag(ctx, 'bundle-endpoint-profile');
    const profile = profileOf(ctx) as (typeof PROFILES)[number];
    const endpointSpiffeId = stringFlag(ctx, 'endpoint-spiffe-id') ?? '';
    if (profile === 'https_spiffe' && endpointSpiffeId === '') throw new UsageError('--endpoint-spiffe-id is required with --bundle-endpoint-profile https_spiffe');
    if (profile === 'https_web' && endpointSpiffeId !== '') throw new UsageError('--endpoint-spiffe-id goes only with --bundle-endpoint-profile https_spiffe');
    if (profile === 'https_spiffe' && !hasFlag(ctx, 'trust-domain-bundle-path')) {
      throw new UsageError('--trust-domain-bundle-path is required with --bundle-endpoint-profile https_spiffe: the bundle authenticates the endpoint until the first fetch');
    }
    const bundle = await bundleFromFlags(ctx);
    const relationship: FederationRelationship = {
      trust_domain: trustDomain,
      bundle_endpoint_url: url,
      bundle_endpoint_profile: profile,
      endpoint_spiffe_id: endpointSpiffeId,
      trusted_by_all: boolFlag(ctx, 'trusted-by-all'),
    };
    const request: CreateFederationRelationshipRequest = {
      relationship,
      ...(bundle === undefined ? {} : { trust_domain_bundle: bundle.bundle, trust_domain_bundle_format: bundle.format }),
    };
    const created = await withAdmin(ctx, (admin) =>
      admin.call<FederationRelationship__Output>((o, cb) => admin.registrar.CreateFederationRelationship(request, o, cb)),
    );
    printWritten(ctx, created, `Federation relationship with ${created.trust_domain} created.`);
  },
};

/** `signet federation update`. */
export const federationUpdateCommand: Command = {
  path: ['federation', 'update'],
  summary: 'Change a federation relationship',
  description:
    'Sets only the fields given as flags; the others keep their value. --no-trusted-by-all clears trusted-by-all.\n' +
    'Switching to --bundle-endpoint-profile https_web drops the endpoint SPIFFE ID; switching to https_spiffe needs\n' +
    "--endpoint-spiffe-id and a bundle of the trust domain held by the server (see signet bundle set).\n" +
    RELATIONSHIP_JSON,
  flags: {
    ...adminFlags,
    ...trustDomainFlag,
    ...relationshipFlags,
    'no-trusted-by-all': { type: 'boolean', description: 'clear trusted-by-all: only entries that federate with the trust domain trust it' },
  },
  printsData: true,
  examples: [
    'signet federation update --trust-domain partner.example --bundle-endpoint-url https://bundles.partner.example/v2',
    'signet federation update --trust-domain partner.example --no-trusted-by-all',
  ],
  async run(ctx) {
    const trustDomain = requiredFlag(ctx, 'trust-domain');
    const relationship: FederationRelationship = { trust_domain: trustDomain };
    const mask: FederationRelationshipMask = {};
    const url = stringFlag(ctx, 'bundle-endpoint-url');
    if (url !== undefined) [relationship.bundle_endpoint_url, mask.bundle_endpoint_url] = [url, true];
    const profile = profileOf(ctx);
    if (profile !== undefined) [relationship.bundle_endpoint_profile, mask.bundle_endpoint_profile] = [profile, true];
    const endpointSpiffeId = stringFlag(ctx, 'endpoint-spiffe-id');
    if (endpointSpiffeId !== undefined) [relationship.endpoint_spiffe_id, mask.endpoint_spiffe_id] = [endpointSpiffeId, true];
    if (boolFlag(ctx, 'no-trusted-by-all')) {
      if (boolFlag(ctx, 'trusted-by-all')) throw new UsageError('--trusted-by-all and --no-trusted-by-all are exclusive');
      [relationship.trusted_by_all, mask.trusted_by_all] = [false, true];
    } else if (boolFlag(ctx, 'trusted-by-all')) {
      [relationship.trusted_by_all, mask.trusted_by_all] = [true, true];
    }
    if (Object.keys(mask).length === 0) {
      throw new UsageError('nothing to change: give at least one of --bundle-endpoint-url, --bundle-endpoint-profile, --endpoint-spiffe-id, --trusted-by-all, --no-trusted-by-all');
    }
    const updated = await withAdmin(ctx, (admin) =>
      admin.call<FederationRelationship__Output>((o, cb) => admin.registrar.UpdateFederationRelationship({ relationship, mask }, o, cb)),
    );
    printWritten(ctx, updated, `Federation relationship with ${updated.trust_domain} updated.`);
  },
};

/** `signet federation delete`. */
export const federationDeleteCommand: Command = {
  path: ['federation', 'delete'],
  summary: 'Delete a federation relationship and the bundle of its trust domain',
  description:
    'The server stops fetching the bundle and forgets it. Refused while entries federate with the trust domain.\n' +
    'With --output json: the empty DeleteFederationRelationshipResponse message, {}.',
  flags: { ...adminFlags, ...trustDomainFlag },
  printsData: true,
  examples: ['signet federation delete --trust-domain partner.example'],
  async run(ctx) {
    const trustDomain = requiredFlag(ctx, 'trust-domain');
    const res = await withAdmin(ctx, (admin) =>
      admin.call<DeleteFederationRelationshipResponse__Output>((o, cb) => admin.registrar.DeleteFederationRelationship({ trust_domain: trustDomain }, o, cb)),
    );
    printData(ctx.stdout, ctx.output, res, () => `Federation relationship with ${trustDomain} deleted.\n`);
  },
};

/** `signet federation show`. */
export const federationShowCommand: Command = {
  path: ['federation', 'show'],
  summary: 'Show a federation relationship and how the fetching of its bundle is going',
  description:
    'Health: the last successful refresh and the last attempt, the last error, the age of the bundle held, and\n' +
    'whether it is stale (not refreshed within twice its refresh hint).\n' +
    RELATIONSHIP_JSON,
  flags: { ...adminFlags, ...trustDomainFlag },
  printsData: true,
  examples: ['signet federation show --trust-domain partner.example', 'signet federation show --trust-domain partner.example --output json'],
  async run(ctx) {
    const trustDomain = requiredFlag(ctx, 'trust-domain');
    const relationship = await withAdmin(ctx, (admin) =>
      admin.call<FederationRelationship__Output>((o, cb) => admin.registrar.GetFederationRelationship({ trust_domain: trustDomain }, o, cb)),
    );
    printData(ctx.stdout, ctx.output, relationship, relationshipDetails);
  },
};

async function listRelationships(admin: AdminConnection, pageSize: number | undefined, pageToken: string): Promise<ListFederationRelationshipsResponse__Output> {
  const relationships: FederationRelationship__Output[] = [];
  let token = pageToken;
  for (;;) {
    const page = { page_size: pageSize ?? 0, page_token: token };
    const res = await admin.call<ListFederationRelationshipsResponse__Output>((o, cb) => admin.registrar.ListFederationRelationships({ page }, o, cb));
    relationships.push(...res.relationships);
    if (pageSize !== undefined || res.next_page_token === '' || res.next_page_token === token) return { relationships, next_page_token: res.next_page_token };
    token = res.next_page_token;
  }
}

/** `signet federation list`. */
export const federationListCommand: Command = {
  path: ['federation', 'list'],
  summary: 'List federation relationships with the health of their bundles',
  description:
    'Every page is fetched unless --page-size is given.\n' +
    'With --output json: {"relationships": [FederationRelationship...], "next_page_token": "..."} (see federation show).',
  flags: {
    ...adminFlags,
    'page-size': { type: 'string', value: 'N', description: 'fetch one page of at most N relationships (1-1000)' },
    'page-token': { type: 'string', value: 'TOKEN', description: 'the page to fetch' },
  },
  printsData: true,
  examples: ['signet federation list', 'signet federation list --output json'],
  async run(ctx) {
    const sizeText = stringFlag(ctx, 'page-size');
    const pageSize = sizeText === undefined ? undefined : parsePageSize(sizeText);
    const result = await withAdmin(ctx, (admin) => listRelationships(admin, pageSize, stringFlag(ctx, 'page-token') ?? ''));
    printData(ctx.stdout, ctx.output, result, (r) => {
      const body = r.relationships.length === 0 ? 'No federation relationships.\n' : renderTable(relationshipsTable(r.relationships));
      return r.next_page_token ? `${body}Next page token: ${r.next_page_token}\n` : body;
    });
  },
};

/** `signet federation refresh`. */
export const federationRefreshCommand: Command = {
  path: ['federation', 'refresh'],
  summary: 'Ask the server to fetch the bundle of a trust domain now',
  description:
    'Returns once the refresh is requested, not once the bundle is fetched: see signet federation show for the outcome.\n' +
    RELATIONSHIP_JSON,
  flags: { ...adminFlags, ...trustDomainFlag },
  printsData: true,
  examples: ['signet federation refresh --trust-domain partner.example'],
  async run(ctx) {
    const trustDomain = requiredFlag(ctx, 'trust-domain');
    const relationship = await withAdmin(ctx, (admin) =>
      admin.call<FederationRelationship__Output>((o, cb) => admin.registrar.RefreshFederationRelationship({ trust_domain: trustDomain }, o, cb)),
    );
    printData(ctx.stdout, ctx.output, relationship, (r) => `Refresh of the bundle of ${r.trust_domain} requested.\n`);
  },
};

/** Every `signet federation` command. */
export const federationCommands: readonly Command[] = [
  federationCreateCommand,
  federationUpdateCommand,
  federationDeleteCommand,
  federationShowCommand,
  federationListCommand,
  federationRefreshCommand,
];
