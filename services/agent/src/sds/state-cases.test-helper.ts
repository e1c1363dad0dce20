/**
 * What the table-driven tests of the SotW and Delta state machines share: a world of secrets,
 * its lookup, and the checks every response must pass.
 */
import assert from 'node:assert/strict';
import type { SdsResource, SecretLookup } from './resource.js';

/** The secrets that exist: name → version (a `spiffe://` name is a tls_certificate). */
export type World = Readonly<Record<string, string>>;

/** The lookup of `world`'s secrets. */
export function lookupOf(world: World): SecretLookup {
  return (name) => {
    const version = world[name];
    if (version === undefined) return undefined;
    const resource: SdsResource = {
      name,
      version,
      kind: name.startsWith('spiffe://') ? 'tls_certificate' : 'validation_context',
      any: { type_url: 'test', value: Buffer.from(`${name}@${version}`) },
    };
    return resource;
  };
}

/**
 * Checks a step's response: none when `expect` is null; else exactly the `expect` names, each
 * with its current version in `world`, under a nonce not seen before (recorded in `nonces`).
 */
export function checkResponse(
  where: string,
  response: { readonly nonce: string; readonly resources: readonly SdsResource[] } | undefined,
  expect: readonly string[] | null,
  world: World,
  nonces: string[],
): void {
  if (expect === null) {
    assert.equal(response, undefined, `${where}: expected no response, got ${response?.resources.map((r) => r.name).join(',')}`);
    return;
  }
  assert.ok(response, `${where}: expected a response`);
  assert.deepEqual(
    response.resources.map((r) => r.name),
    expect,
    where,
  );
  for (const r of response.resources) assert.equal(r.version, world[r.name], `${where}: ${r.name} carries the current version`);
  assert.ok(response.nonce !== '' && !nonces.includes(response.nonce), `${where}: new non-empty nonce`);
  nonces.push(response.nonce);
}
