import assert from 'node:assert/strict';
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BodyIncompleteError, BodyTooLargeError, readBoundedBody } from './bounded-body.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('readBoundedBody (a real HTTP server on 127.0.0.1)', () => {
  let handler: Handler = (_req, res) => res.end();
  const server = createServer((req, res) => handler(req, res));
  let port = 0;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const fetchBody = (maxBytes: number): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/' }, (res) => readBoundedBody(res, maxBytes).then(resolve, reject)).on('error', reject);
    });

  /** The check of a refusal as too large, known from `what`. */
  const tooLarge =
    (what: string) =>
    (r: Buffer | Error): void => {
      assert.ok(r instanceof BodyTooLargeError);
      assert.equal(r.what, what);
    };
  const cases: ReadonlyArray<readonly [string, Handler, number, (result: Buffer | Error) => void]> = [
    ['returns a body within the limit', (_q, res) => res.end('hello'), 5, (r) => assert.equal(String(r), 'hello')],
    ['returns an empty body', (_q, res) => res.end(), 5, (r) => assert.equal((r as Buffer).length, 0)],
    [
      'refuses a declared Content-Length over the limit before reading',
      (_q, res) => {
        res.writeHead(200, { 'Content-Length': '1000' });
        res.end('x'.repeat(1000));
      },
      10,
      tooLarge('Content-Length 1000'),
    ],
    [
      'refuses a streamed body once it passes the limit',
      (_q, res) => {
        res.writeHead(200);
        res.write('x'.repeat(64 * 1024));
        res.write('x'.repeat(64 * 1024));
      },
      1000,
      tooLarge('body'),
    ],
    [
      'reports a body cut short as incomplete, not as a truncated document',
      (_q, res) => {
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('x'.repeat(10), () => res.destroy());
      },
      1000,
      (r) => assert.ok(r instanceof BodyIncompleteError, String(r)),
    ],
  ];
  for (const [what, h, maxBytes, check] of cases) {
    it(what, async () => {
      handler = h;
      const result = await fetchBody(maxBytes).catch((err: Error) => err);
      check(result);
    });
  }
});
