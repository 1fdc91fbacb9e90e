import fc from 'fast-check';
import { rawSocketExchange } from '../support/rawSocket';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { recordingLogger } from '../support/recordingLogger';
import { snapshotStore } from '../support/snapshotStore';
import { HOSTILE_TIMEOUT_MS, propertyParameters } from './hostileBudget';
import { storeDifference } from './storeDifference';

/**
 * Property: bytes that no HTTP client would send (request lines, headers and framing generated at
 * the byte level, then the connection half-closed) always get one answer, below 500, with the JSON
 * `communicationError` body, whether node:http's parser refuses them (answerClientError) or they
 * parse and reach the router (unsigned, so 401 at best), and the store never changes.
 */

const bytesText = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code)), maxLength });

const method = fc.oneof(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'TRACE', 'get', 'G\u0001T', 'PATCH ', ''), bytesText(8));
const target = fc.oneof(
  fc.constantFrom('/routing/queues?api-version=2023-11-01', '/routing/jobs/j1:cancel', '//[/routing/queues', 'http://x:99999/routing/queues', 'http://[::1/x', '*', '/%', '/routing/%zz', '/\u00ff', '/a b', ''),
  bytesText(30),
  fc.string({ maxLength: 30 }).map((s) => `/routing/${s}`),
);
const version = fc.oneof(fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', 'HTTP/01.1', 'http/1.1', 'HTTP/1', ''), bytesText(10));
const header = fc.oneof(
  fc.constantFrom(
    'Host: x',
    'Content-Length: 2',
    'Content-Length: -1',
    'Content-Length: abc',
    'Content-Length: 99999999999999999999',
    'Content-Length: 1\r\nContent-Length: 2',
    'Transfer-Encoding: chunked',
    'Transfer-Encoding: gzip, chunked',
    'Transfer-Encoding: identity',
    'Content-Type: application/merge-patch+json',
    'Expect: 100-continue',
    'Upgrade: websocket\r\nConnection: Upgrade',
    'Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA',
    ' folded: header',
    'No-Colon',
    `X-Big: ${'a'.repeat(20_000)}`,
    ': empty-name',
  ),
  fc.tuple(bytesText(12), bytesText(30)).map(([name, value]) => `${name}: ${value}`),
);
const body = fc.oneof(fc.constantFrom('', '{}', '2\r\n{}\r\n0\r\n\r\n', 'zz\r\n{}\r\n', '5\r\n{}\r\n', '0\r\n\r\n'), bytesText(40));

const rawRequest = fc
  .tuple(method, target, version, fc.array(header, { maxLength: 4 }), body)
  .map(([m, t, v, headers, b]) => `${m} ${t} ${v}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${b}`);

describe('hostile bytes at the HTTP parser', () => {
  const logger = recordingLogger();
  let router: TestRouter;

  beforeAll(async () => {
    router = await startTestRouter({ logger });
  });
  afterAll(async () => {
    await router.close();
  });

  it(
    'every answer is a JSON error below 500, and nothing changes',
    async () => {
      const before = await snapshotStore(router.store);
      await fc.assert(
        fc.asyncProperty(rawRequest, async (bytes) => {
          const answer = await rawSocketExchange(router.url, Buffer.from(bytes, 'latin1'));
          const method = bytes.split(' ', 1)[0];
          const found: string[] = [];
          if (!answer) found.push('closed without an answer');
          else {
            if (!(answer.status >= 400 && answer.status < 500)) found.push(`answered ${answer.status}`);
            // A HEAD answer carries headers only, by definition.
            if (method !== 'HEAD' && typeof answer.json?.communicationError?.message !== 'string') found.push(`no communicationError body: ${JSON.stringify(answer.body.slice(0, 200))}`);
          }
          const failures = logger.lines.filter((line) => line.level === 'error');
          if (failures.length > 0) found.push(`logged: ${failures.map((line) => line.message).join('; ')}`);
          logger.lines.length = 0;
          if (found.length > 0) throw new Error(found.join('\n'));
        }),
        propertyParameters,
      );
      expect(storeDifference(before, await snapshotStore(router.store))).toEqual([]);
    },
    HOSTILE_TIMEOUT_MS,
  );
});
