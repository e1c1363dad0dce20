import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '@signet/platform';
import { TrustDomain } from '@signet/spiffe';
import type { K8sPsatClusterConfig } from '../../config.js';
import { rejectsWithApi } from '../../testing/assertions.js';
import { FakeKubeApi } from '../../testing/fake-kube-api.js';
import { psatClaims, type PsatFacts, signTestJwt } from '../../testing/jwt.js';
import type { NodeAttestor } from '../attestor.js';
import { buildCluster } from '../registry.js';
import type { K8sPsatCluster } from './cluster.js';
import { k8sPsatAttestor } from './k8s-psat.js';
import { encodeK8sPsatPayload } from './payload.js';

const td = TrustDomain.parse('example.org');
const clock = new FakeClock();
const noChallenge = async (): Promise<Uint8Array> => assert.fail('k8s_psat does not challenge');

describe('k8s_psat attestor (against a fake Kubernetes API server)', () => {
  let kube: FakeKubeApi;
  let attestor: NodeAttestor;
  const ctx = () => ({ trustDomain: td, now: clock.now() });
  const facts = (overrides: Partial<PsatFacts> = {}): PsatFacts => ({
    issuer: kube.issuer,
    audience: 'signet-server',
    namespace: 'spire',
    serviceAccount: 'spire-agent',
    podName: 'spire-agent-x1',
    podUid: 'pod-uid-1',
    nodeName: 'node-1',
    nodeUid: 'node-uid-1',
    issuedAt: Math.floor(clock.nowMs() / 1000) - 60,
    expiresAt: Math.floor(clock.nowMs() / 1000) + 3600,
    ...overrides,
  });
  const token = (overrides: Partial<PsatFacts> = {}) => kube.sign(psatClaims(facts(overrides)));
  const attest = (cluster: string, tok: string) => attestor.attest(encodeK8sPsatPayload({ cluster, token: tok }), noChallenge, ctx());

  before(async () => {
    kube = await FakeKubeApi.start();
    kube.pods.set('spire/spire-agent-x1', { uid: 'pod-uid-1', nodeName: 'node-1', serviceAccountName: 'spire-agent', labels: { app: 'spire-agent' } });
    kube.nodes.set('node-1', { uid: 'node-uid-1', labels: { 'topology.kubernetes.io/region': 'eu-west-1' } });
    const api = { url: kube.url, ca_file: kube.caFile, token_file: kube.tokenFile };
    const base = { service_account_allow_list: ['spire:spire-agent'], audience: 'signet-server', use_token_review: false };
    const configs: Record<string, K8sPsatClusterConfig> = {
      file: { ...base, jwks_file: kube.jwksFile },
      oidc: { ...base, api_server: api },
      review: { ...base, api_server: api, use_token_review: true, allowed_node_label_keys: ['topology.kubernetes.io/region'], allowed_pod_label_keys: [] },
    };
    const clusters = new Map<string, K8sPsatCluster>();
    for (const [name, config] of Object.entries(configs)) clusters.set(name, await buildCluster(name, config, clock));
    attestor = k8sPsatAttestor({ clusters });
  });
  after(async () => {
    await kube.close();
  });

  it('attests with a token verified against a JWKS file, taking the node from the token', async () => {
    const result = await attest('file', token());
    assert.equal(result.agentId.toString(), 'spiffe://example.org/spire/agent/k8s_psat/file/node-uid-1');
    assert.deepEqual(
      result.selectors.map((s) => `${s.type}:${s.value}`),
      [
        'k8s_psat:cluster:file',
        'k8s_psat:agent_ns:spire',
        'k8s_psat:agent_sa:spire-agent',
        'k8s_psat:agent_pod_name:spire-agent-x1',
        'k8s_psat:agent_pod_uid:pod-uid-1',
        'k8s_psat:agent_node_name:node-1',
        'k8s_psat:agent_node_uid:node-uid-1',
      ],
    );
    assert.equal(result.canReattest, true);
  });

  it('attests with keys found by OIDC discovery, reading the pod and node (labels) from the API server', async () => {
    const before = kube.requests.length;
    const result = await attest('oidc', token({ nodeName: undefined }));
    assert.equal(result.agentId.toString(), 'spiffe://example.org/spire/agent/k8s_psat/oidc/node-uid-1');
    const values = result.selectors.map((s) => s.value);
    assert.ok(values.includes('agent_node_name:node-1'));
    assert.ok(values.includes('agent_pod_label:app:spire-agent'));
    assert.ok(values.includes('agent_node_label:topology.kubernetes.io/region:eu-west-1'));
    const paths = kube.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(paths, [
      'GET /.well-known/openid-configuration',
      'GET /openid/v1/jwks',
      'GET /api/v1/namespaces/spire/pods/spire-agent-x1',
      'GET /api/v1/nodes/node-1',
    ]);
    assert.ok(kube.requests.every((r) => r.authorized), 'every request carries the bearer token');
  });

  it('attests through TokenReview, keeping only the allowed label keys', async () => {
    const result = await attest('review', token());
    assert.equal(result.agentId.toString(), 'spiffe://example.org/spire/agent/k8s_psat/review/node-uid-1');
    const labels = result.selectors.filter((s) => s.value.includes('_label:')).map((s) => s.value);
    assert.deepEqual(labels, ['agent_node_label:topology.kubernetes.io/region:eu-west-1']);
    const review = kube.requests.find((r) => r.path.endsWith('/tokenreviews'));
    assert.deepEqual(JSON.parse(review?.body ?? '{}').spec.audiences, ['signet-server']);
  });

  const refusals: {
    name: string;
    cluster?: string;
    token: () => string;
    code: 'permission_denied' | 'invalid_argument' | 'failed_precondition';
    message: string;
    field: string;
  }[] = [
    { name: 'refuses a token for another audience', token: () => token({ audience: 'someone-else' }), code: 'permission_denied', message: 'audience does not include "signet-server"', field: 'params.payload.token' },
    {
      name: 'refuses an expired token',
      token: () => token({ issuedAt: Math.floor(clock.nowMs() / 1000) - 7200, expiresAt: Math.floor(clock.nowMs() / 1000) - 3600 }),
      code: 'permission_denied',
      message: 'the token expired at',
      field: 'params.payload.token',
    },
    { name: 'refuses an unknown cluster', cluster: 'nope', token: () => token(), code: 'permission_denied', message: 'not a configured cluster', field: 'params.payload.cluster' },
    {
      name: 'refuses a service account that is not on the allow list',
      token: () => token({ serviceAccount: 'default' }),
      code: 'permission_denied',
      message: 'service account "spire:default" is not allowed to attest in cluster "file"',
      field: 'params.payload.token',
    },
    {
      name: 'refuses a token signed by another key',
      token: () => signTestJwt(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, kube.kid, psatClaims(facts())),
      code: 'permission_denied',
      message: 'signature does not verify',
      field: 'params.payload.token',
    },
    {
      name: 'refuses a token without node claims when no API server can be asked',
      token: () => token({ nodeName: undefined }),
      code: 'failed_precondition',
      message: 'names no node',
      field: 'params.payload.token',
    },
    {
      name: 'refuses a token of a pod that was replaced (uid mismatch)',
      cluster: 'oidc',
      token: () => token({ podUid: 'old-pod-uid' }),
      code: 'permission_denied',
      message: 'is not the pod the token was issued to',
      field: 'params.payload.token',
    },
    {
      name: 'refuses a token of a pod that no longer exists',
      cluster: 'oidc',
      token: () => token({ podName: 'gone' }),
      code: 'permission_denied',
      message: 'pod spire/gone does not exist',
      field: 'params.payload.token',
    },
    { name: 'rejects a token that is not a JWT', token: () => 'not-a-jwt', code: 'invalid_argument', message: 'not a compact JWS', field: 'params.payload.token' },
  ];
  for (const r of refusals) {
    it(r.name, async () => {
      const tok = r.token();
      const err = await rejectsWithApi(attest(r.cluster ?? 'file', tok), r.code, r.message, r.field);
      assert.ok(!err.message.includes(tok), 'the token is never echoed');
    });
  }

  it('refuses a token the TokenReview does not authenticate', async () => {
    kube.tokenReview = () => ({ authenticated: false, error: 'token has been invalidated' });
    try {
      await rejectsWithApi(attest('review', token()), 'permission_denied', 'did not authenticate the token', 'params.payload.token');
    } finally {
      kube.tokenReview = undefined;
    }
  });

  it('refuses a TokenReview that names another service account', async () => {
    kube.tokenReview = () => ({ authenticated: true, audiences: ['signet-server'], user: { username: 'system:serviceaccount:spire:other', extra: {} } });
    try {
      await rejectsWithApi(attest('review', token()), 'permission_denied', 'TokenReview user is not the service account', 'params.payload.token');
    } finally {
      kube.tokenReview = undefined;
    }
  });

  it('rejects a payload that is not the JSON document', async () => {
    await rejectsWithApi(attestor.attest(Buffer.from('{"cluster": 1}'), noChallenge, ctx()), 'invalid_argument', 'a cluster name is required', 'params.payload.cluster');
    await rejectsWithApi(attestor.attest(Buffer.from('plain'), noChallenge, ctx()), 'invalid_argument', 'expected a JSON object', 'params.payload');
  });
});
