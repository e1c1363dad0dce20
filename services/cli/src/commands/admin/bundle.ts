/**
 * `signet bundle show|list|set|delete`: the local trust bundle and the federated bundles of
 * other trust domains.
 * @module
 */
import type { Command, CommandContext } from '../../command.js';
import { adminFlags, withAdmin, type AdminConnection } from '../../admin-client.js';
import { printData } from '../../output.js';
import { parseChoice, readInput, requiredFlag, stringFlag } from './flags.js';
import { bundleJson } from './format.js';
import type { BundleDocument__Output, DeleteFederatedBundleResponse__Output, ListFederatedBundlesResponse__Output } from './wire.js';

const FORMATS = ['pem', 'spiffe'] as const;
type BundleFormat = (typeof FORMATS)[number];

const formatFlag = {
  format: { type: 'string', value: 'FORMAT', default: 'pem', description: 'pem (X.509 authorities) or spiffe (SPIFFE bundle document, JSON)' },
} as const;

const DOCUMENT_JSON =
  'With --output json: the signet.registrar.v1.BundleDocument message {"bundle", "spiffe_json", "x509_pem"}, the\n' +
  'bundle\'s certificates and JWT public keys as PEM, 64-bit integers as decimal strings.';

/** A bundle document in `format`, ending with a newline. */
function documentText(doc: BundleDocument__Output, format: BundleFormat): string {
  const text = format === 'pem' ? doc.x509_pem : doc.spiffe_json;
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** The JSON form of a bundle document. */
function documentJson(doc: BundleDocument__Output): unknown {
  return { ...doc, bundle: doc.bundle ? bundleJson(doc.bundle) : null };
}

function formatOf(ctx: CommandContext): BundleFormat {
  return parseChoice(stringFlag(ctx, 'format') ?? 'pem', 'format', FORMATS);
}

/** `signet bundle show`. */
export const bundleShowCommand: Command = {
  path: ['bundle', 'show'],
  summary: "Print this server's trust bundle",
  description: DOCUMENT_JSON,
  flags: { ...adminFlags, ...formatFlag },
  printsData: true,
  examples: ['signet bundle show > bundle.pem', 'signet bundle show --format spiffe'],
  async run(ctx) {
    const format = formatOf(ctx);
    const doc = await withAdmin(ctx, (admin) => admin.call<BundleDocument__Output>((o, cb) => admin.registrar.GetLocalBundle({}, o, cb)));
    printData(ctx.stdout, ctx.output, ctx.output === 'json' ? documentJson(doc) : doc, () => documentText(doc, format));
  },
};

async function listFederated(admin: AdminConnection): Promise<ListFederatedBundlesResponse__Output> {
  const bundles: BundleDocument__Output[] = [];
  let token = '';
  for (;;) {
    const res = await admin.call<ListFederatedBundlesResponse__Output>((o, cb) => admin.registrar.ListFederatedBundles({ page: { page_token: token } }, o, cb));
    bundles.push(...res.bundles);
    if (res.next_page_token === '' || res.next_page_token === token) return { bundles, next_page_token: '' };
    token = res.next_page_token;
  }
}

/** `signet bundle list`. */
export const bundleListCommand: Command = {
  path: ['bundle', 'list'],
  summary: 'Print the federated bundles (of other trust domains)',
  description:
    'Each bundle is printed under a "# <trust domain>" line. With --id, only that trust domain\'s.\n' +
    'With --output json: {"bundles": [BundleDocument...]} (see bundle show), or one BundleDocument with --id.',
  flags: { ...adminFlags, id: { type: 'string', value: 'TRUST_DOMAIN', description: 'only the bundle of this trust domain' }, ...formatFlag },
  printsData: true,
  examples: ['signet bundle list', 'signet bundle list --id partner.example --format spiffe'],
  async run(ctx) {
    const format = formatOf(ctx);
    const id = stringFlag(ctx, 'id');
    if (id !== undefined) {
      const doc = await withAdmin(ctx, (admin) => admin.call<BundleDocument__Output>((o, cb) => admin.registrar.GetFederatedBundle({ trust_domain: id }, o, cb)));
      printData(ctx.stdout, ctx.output, ctx.output === 'json' ? documentJson(doc) : doc, () => documentText(doc, format));
      return;
    }
    const list = await withAdmin(ctx, listFederated);
    if (ctx.output === 'json') {
      printData(ctx.stdout, 'json', { bundles: list.bundles.map(documentJson) }, () => '');
      return;
    }
    if (list.bundles.length === 0) {
      ctx.stdout.write('No federated bundles.\n');
      return;
    }
    ctx.stdout.write(list.bundles.map((d) => `# ${d.bundle?.trust_domain ?? ''}\n${documentText(d, format)}`).join('\n'));
  },
};

/** `signet bundle set`. */
export const bundleSetCommand: Command = {
  path: ['bundle', 'set'],
  summary: 'Create or replace the federated bundle of a trust domain',
  description: `Reads the bundle from --path (- for standard input) in --format.\n${DOCUMENT_JSON}`,
  flags: {
    ...adminFlags,
    id: { type: 'string', value: 'TRUST_DOMAIN', description: 'the trust domain of the bundle (required)' },
    path: { type: 'string', value: 'FILE', description: 'file holding the bundle, - for standard input (required)' },
    ...formatFlag,
  },
  printsData: true,
  examples: ['signet bundle set --id partner.example --path partner.pem', 'curl -s https://partner.example/bundle | signet bundle set --id partner.example --path - --format spiffe'],
  async run(ctx) {
    const trustDomain = requiredFlag(ctx, 'id');
    const path = requiredFlag(ctx, 'path');
    const format = formatOf(ctx);
    const document = await readInput(path);
    const doc = await withAdmin(ctx, (admin) =>
      admin.call<BundleDocument__Output>((o, cb) => admin.registrar.SetFederatedBundle({ trust_domain: trustDomain, format, document }, o, cb)),
    );
    printData(ctx.stdout, ctx.output, ctx.output === 'json' ? documentJson(doc) : doc, () => {
      const b = doc.bundle;
      return `Bundle of ${b?.trust_domain ?? trustDomain} set: ${b?.x509_authorities.length ?? 0} X.509 authorities, ${b?.jwt_authorities.length ?? 0} JWT keys, sequence ${b?.sequence_number ?? '0'}.\n`;
    });
  },
};

/** `signet bundle delete`. */
export const bundleDeleteCommand: Command = {
  path: ['bundle', 'delete'],
  summary: 'Delete the federated bundle of a trust domain',
  description: 'With --output json: the empty DeleteFederatedBundleResponse message, {}.',
  flags: { ...adminFlags, id: { type: 'string', value: 'TRUST_DOMAIN', description: 'the trust domain (required)' } },
  printsData: true,
  examples: ['signet bundle delete --id partner.example'],
  async run(ctx) {
    const trustDomain = requiredFlag(ctx, 'id');
    const res = await withAdmin(ctx, (admin) =>
      admin.call<DeleteFederatedBundleResponse__Output>((o, cb) => admin.registrar.DeleteFederatedBundle({ trust_domain: trustDomain }, o, cb)),
    );
    printData(ctx.stdout, ctx.output, res, () => `Bundle of ${trustDomain} deleted.\n`);
  },
};
