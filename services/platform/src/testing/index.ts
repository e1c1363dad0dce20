/**
 * Test helpers for Signet services: a fake clock and a log capture.
 * @module
 */
export { FAKE_CLOCK_START, FakeClock } from './fake-clock.js';
export { captureLogs } from './log-capture.js';
export type { LogCapture } from './log-capture.js';
