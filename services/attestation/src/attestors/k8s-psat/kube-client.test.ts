import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '@signet/platform';
import { FakeKubeApi } from '../../testing/fake-kube-api.js';
import { KubeApiClient, KubeApiError } from './kube-client.js';

describe('Kubernetes API client', () => {
  let kube: FakeKubeApi;
  before(async () => {
    kube = await FakeKubeApi.start();
  });
  after(async () => {
    await kube.close();
  });

  it('verifies the server against the configured CA and sends the bearer token', async () => {
    const client = new KubeApiClient({ url: kube.url, caPem: kube.caPem, tokenFile: kube.tokenFile, clock: new FakeClock() });
    const doc = await client.getJson<{ issuer: string }>('/.well-known/openid-configuration');
    assert.equal(doc.issuer, kube.issuer);
    assert.equal(kube.requests.at(-1)?.authorized, true);
  });

  it('refuses a server whose certificate the CA did not issue', async () => {
    const client = new KubeApiClient({ url: kube.url, clock: new FakeClock() });
    await assert.rejects(client.getJson('/openid/v1/jwks'), (err: Error) => err instanceof KubeApiError && err.status === undefined);
  });

  it('re-reads a rotated token file once the refresh interval has passed', async () => {
    const clock = new FakeClock();
    const client = new KubeApiClient({ url: kube.url, caPem: kube.caPem, tokenFile: kube.tokenFile, clock, tokenRefreshMs: 60_000 });
    await client.getJson('/openid/v1/jwks');
    await writeFile(kube.tokenFile, 'rotated-away');
    try {
      await client.getJson('/openid/v1/jwks');
      assert.equal(kube.requests.at(-1)?.authorized, true, 'the cached token is still used');
      clock.advance(60_000);
      await assert.rejects(client.getJson('/openid/v1/jwks'), (err: Error) => err instanceof KubeApiError && err.status === 401);
    } finally {
      await writeFile(kube.tokenFile, kube.bearer);
    }
  });

  it('reports HTTP errors with their status and never the bearer token', async () => {
    const client = new KubeApiClient({ url: kube.url, caPem: kube.caPem, tokenFile: kube.tokenFile, clock: new FakeClock() });
    await assert.rejects(client.getJson('/api/v1/nodes/missing'), (err: Error) => err instanceof KubeApiError && err.status === 404 && !err.message.includes(kube.bearer));
  });
});
