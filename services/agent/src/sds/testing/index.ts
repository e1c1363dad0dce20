/**
 * Test helpers for the SDS server: in-memory views, an attestation double, a recording meter,
 * a recording SDS client and a harness serving SDS on a Unix socket.
 * @module
 */
export { EMPTY_VIEW, InMemoryWorkloadViews } from './in-memory-views.js';
export { FakeAttestation, TEST_WORKLOAD_HEADER, workloadSelectors } from './fake-attestation.js';
export { RecordingMeter } from './recording-meter.js';
export type { Measurement } from './recording-meter.js';
export { QUIET_WINDOW_MS, Recorder } from './recorder.js';
export type { Timed } from './recorder.js';
export { decodeSecretAny } from './decode.js';
export type { DecodedSecret } from './decode.js';
export { DeltaTestStream, ENVOY_NODE, OLD_ENVOY_NODE, SdsTestClient, SotwTestStream } from './sds-test-client.js';
export type { DeltaReply, DeltaSend, FetchReply, SotwReply, SotwSend } from './sds-test-client.js';
export { startSdsHarness } from './harness.js';
export type { SdsHarness, SdsHarnessOptions } from './harness.js';
export { bundleOf, issueSvid, viewOf } from './fixtures.js';
