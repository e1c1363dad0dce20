/**
 * Fastify's schema-validation errors as API errors naming the field.
 * @module
 */
import { ApiError } from '../api/api-error.js';

/** One AJV error, as Fastify reports it. */
export interface SchemaValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string | undefined;
}

/**
 * The field path of an AJV error in Signet's notation: the request part, then properties
 * joined by dots and indexes in brackets, e.g. `body.selectors[0].type`. A missing or unknown
 * property is named too.
 */
export function fieldOfIssue(part: string, issue: SchemaValidationIssue): string {
  let path = part;
  for (const raw of issue.instancePath.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  }
  const extra = issue.keyword === 'required' ? issue.params.missingProperty : issue.keyword === 'additionalProperties' ? issue.params.additionalProperty : undefined;
  return typeof extra === 'string' ? `${path}.${extra}` : path;
}

/** The rule an AJV error reports, worded for the field it is about. */
function ruleOfIssue(issue: SchemaValidationIssue): string {
  switch (issue.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not an allowed property';
    default:
      return issue.message ?? `breaks the "${issue.keyword}" rule`;
  }
}

/**
 * The `invalid_argument` error for the first schema violation of a request part (`body`,
 * `querystring`, `params`, `headers`): `body.selectors[0].type: must be string`, with the
 * field path as `field`.
 */
export function validationApiError(part: string, issues: readonly SchemaValidationIssue[]): ApiError {
  const first = issues[0];
  if (first === undefined) return new ApiError('invalid_argument', `${part}: is invalid`, { field: part });
  const field = fieldOfIssue(part, first);
  return ApiError.invalid(field, ruleOfIssue(first));
}
