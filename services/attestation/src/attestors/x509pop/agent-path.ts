/**
 * The x509pop agent path template: which certificate facts make up the agent ID below
 * `spiffe://<td>/spire/agent/x509pop/`. Placeholders: `{fingerprint}` (of the leaf, with the
 * configured hash), `{serial}` (lower-case hex) and `{subject_cn}`; `/` separates path segments.
 * @module
 */

/** The default template: the leaf certificate's fingerprint. */
export const DEFAULT_AGENT_PATH_TEMPLATE = '{fingerprint}';

/** The values a template may use. */
export interface AgentPathValues {
  readonly fingerprint: string;
  readonly serial: string;
  readonly subject_cn: string | undefined;
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;
const KNOWN = new Set(['fingerprint', 'serial', 'subject_cn']);

/** Why `template` is unusable, or `undefined` when it is fine (a config refinement). */
export function agentPathTemplateProblem(template: string): string | undefined {
  if (template.trim() === '') return 'expected a non-empty template such as "{fingerprint}"';
  if (template.startsWith('/') || template.endsWith('/') || template.includes('//')) {
    return 'expected path segments separated by single "/", without a leading or trailing "/"';
  }
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!KNOWN.has(match[1] ?? '')) return `unknown placeholder {${match[1]}} (expected {fingerprint}, {serial} or {subject_cn})`;
  }
  if (!/\{(fingerprint|serial)\}/.test(template)) return 'the template must use {fingerprint} or {serial}, so that each node gets its own ID';
  return undefined;
}

/**
 * The path segments of a rendered template. Throws an `Error` when it uses `{subject_cn}`
 * and the certificate has none.
 */
export function renderAgentPath(template: string, values: AgentPathValues): string[] {
  const rendered = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name as keyof AgentPathValues];
    if (value === undefined) throw new Error(`the agent path template uses {${name}} but the node certificate has none`);
    return value;
  });
  return rendered.split('/');
}
