/**
 * Replays the 35 JS SDK recordings of the live service (15 Nov 2023, api-version 2023-11-01) against
 * one embedded router, spec by spec, and compares every answer with the recorded one.
 * How and what is compared: docs/adr/0004-conformance-replay.md. Where we may differ: ./expectations.ts.
 */
import { basename } from 'node:path';
import type { HttpResponse } from '@azure-rest/core-client';
import { startTestRouter } from '../support/embeddedRouter';
import { compareEntity, compareList, HTTP_DATE, QUOTED_ETAG, Renames, type CompareOptions } from './compare';
import { KNOWN_DIFFERENCES, PENDING, type PendingStep } from './expectations';
import { loadRecording, recordedTarget, recordingFilesOnDisk, replayFileNames, resourceOf, stepName, type RecordedEntry } from './recordings';
import { createReplayClient, type Exchange } from './replayClient';

const files = replayFileNames().map(loadRecording);
const stepKey = (fileName: string, index: number) => `${basename(fileName)}#${index + 1}`;
const allSteps = files.flatMap((file) => file.entries.map((_, index) => stepKey(file.name, index)));
for (const key of [...Object.keys(PENDING), ...Object.keys(KNOWN_DIFFERENCES)]) {
  if (!allSteps.includes(key)) throw new Error(`expectations.ts names ${key}, which is not a recorded step`);
}

type Outcome = 'exact' | 'preExisting' | 'pending' | 'known';
const outcomes = new Map<string, Outcome>();
let sent = 0;

let router: Awaited<ReturnType<typeof startTestRouter>>;
let replay: ReturnType<typeof createReplayClient>;
/** What exists in our router now, per collection: PATCH 200/201 adds, DELETE 204 removes. */
const existing = new Map<string, Set<string>>();
const idsOf = (collection: string) => existing.get(collection) ?? existing.set(collection, new Set()).get(collection)!;
const renames = new Renames();

beforeAll(async () => {
  router = await startTestRouter();
  replay = createReplayClient(router.connectionString);
});

afterAll(async () => {
  await router?.close();
  const stepsWith = (outcome: Outcome) => [...outcomes].filter(([, o]) => o === outcome).map(([key]) => key);
  const line = (outcome: Outcome, text: string, listed = false) => {
    const keys = stepsWith(outcome);
    return `  ${keys.length} ${text}${listed && keys.length ? `: ${keys.join(', ')}` : ''}`;
  };
  console.log(
    [
      `conformance replay: replayed ${sent} of ${allSteps.length} recorded steps from ${files.length} files, ${outcomes.size} as expected:`,
      line('exact', 'exactly (modulo etags, generated ids, timestamps)'),
      line('preExisting', 'exactly, but 201 where the recorded 200 updated an entity created before the recorded session', true),
      line('pending', 'with pending differences (engine features not built yet)', true),
      line('known', 'with known server differences (see KNOWN_DIFFERENCES)', true),
    ].join('\n'),
  );
});

/** Only `/routing/{collection}/{id}` itself (not actions, not /position): the resource an upsert or delete acts on. */
const isItemPath = (path: string) => /^\/routing\/[^/:]+\/[^/:]+$/.test(path);

function compareResponse(entry: RecordedEntry, response: HttpResponse, exchange: Exchange, expectedStatus: number, options: CompareOptions): string[] {
  const diffs: string[] = [];
  const status = Number(response.status);
  if (status !== expectedStatus) return [`status: expected ${expectedStatus}, got ${status}: ${exchange.bodyText.slice(0, 400)}`];

  const etag = exchange.headers['etag'];
  const lastModified = exchange.headers['last-modified'];
  const body = response.body as Record<string, unknown> | undefined;
  if (entry.ResponseHeaders['ETag'] !== undefined) {
    if (etag === undefined || !QUOTED_ETAG.test(etag)) diffs.push(`header ETag: expected a quoted etag, got ${etag ?? 'nothing'}`);
    if (lastModified === undefined || !HTTP_DATE.test(lastModified)) diffs.push(`header Last-Modified: expected an RFC 1123 date, got ${lastModified ?? 'nothing'}`);
    if (body?.['etag'] !== etag) diffs.push(`$.etag: ${JSON.stringify(body?.['etag'])} is not the ETag header ${etag ?? 'nothing'}`);
  } else {
    if (etag !== undefined) diffs.push(`header ETag: the recording has none here, got ${etag}`);
    if (lastModified !== undefined) diffs.push(`header Last-Modified: the recording has none here, got ${lastModified}`);
  }
  diffs.push(...supportedVersionsDiffs(entry, exchange));
  if (exchange.headers['content-type'] !== entry.ResponseHeaders['Content-Type']) {
    diffs.push(`header Content-Type: expected ${entry.ResponseHeaders['Content-Type'] ?? 'nothing'}, got ${exchange.headers['content-type'] ?? 'nothing'}`);
  }

  const target = recordedTarget(entry);
  const recorded = entry.ResponseBody;
  if (recorded === null || recorded === undefined) {
    if (exchange.bodyText !== '') diffs.push(`body: expected none, got ${exchange.bodyText.slice(0, 400)}`);
  } else if (entry.RequestMethod === 'GET' && resourceOf(target.path).id === undefined && typeof recorded === 'object' && 'value' in recorded) {
    diffs.push(...compareList(recorded, response.body, idsOf(resourceOf(target.path).collection), options).diffs);
  } else {
    compareEntity(recorded, response.body, '$', options, diffs);
  }
  return diffs;
}

/**
 * Every recorded response names the api-versions the service supports. Ours names the versions this
 * router supports (a different list by design), which must include the replayed 2023-11-01.
 */
function supportedVersionsDiffs(entry: RecordedEntry, exchange: Exchange): string[] {
  const ours = exchange.headers['api-supported-versions'];
  const replayed = new URL(entry.RequestUri).searchParams.get('api-version') ?? '';
  return ours?.split(',').some((version) => version.trim() === replayed) ? [] : [`header api-supported-versions: expected a list with ${replayed}, got ${ours ?? 'nothing'}`];
}

/** A pending step answered with today's error status: the error body and headers must be well-formed. */
function comparePendingStatus(entry: RecordedEntry, response: HttpResponse, exchange: Exchange, pending: PendingStep): string[] {
  const status = Number(response.status);
  if (status !== pending.nowStatus) return [`status: expected ${pending.nowStatus} for now (${pending.reason}), got ${status}: ${exchange.bodyText.slice(0, 400)}`];
  const error = (response.body as { communicationError?: Record<string, unknown> } | undefined)?.communicationError;
  const diffs: string[] = [];
  const code = pending.nowCode ?? 'NotImplemented';
  if (error?.['code'] !== code) diffs.push(`$.communicationError.code: expected "${code}", got ${JSON.stringify(error?.['code'])}`);
  if (error?.['target'] !== recordedTarget(entry).path) diffs.push(`$.communicationError.target: expected ${recordedTarget(entry).path}, got ${JSON.stringify(error?.['target'])}`);
  if (typeof error?.['message'] !== 'string' || error['message'].trim() === '') diffs.push(`$.communicationError.message: expected a non-empty message`);
  if (exchange.headers['etag'] !== undefined || exchange.headers['last-modified'] !== undefined) diffs.push('headers: no ETag/Last-Modified on errors');
  diffs.push(...supportedVersionsDiffs(entry, exchange));
  return diffs;
}

/** The entities a pending step's `now` applies to: the body, or each item of a list. */
function entitiesOf(body: unknown): Array<Record<string, unknown>> {
  const object = body as Record<string, unknown>;
  return Array.isArray(object['value']) ? (object['value'] as Array<Record<string, unknown>>) : [object];
}

for (const file of files) {
  describe(file.name, () => {
    file.entries.forEach((entry, index) => {
      const key = stepKey(file.name, index);
      const pending = PENDING[key];
      const known = KNOWN_DIFFERENCES[key];
      const suffix = pending ? ` [pending: ${pending.reason}]` : known ? ` [known difference: ${known.reason}]` : '';

      it(`${stepName(index, entry)}${suffix}`, async () => {
        const target = recordedTarget(entry);
        const { collection, id } = resourceOf(target.path);
        const ids = idsOf(collection);
        const item = isItemPath(target.path) && id !== undefined;
        // A recorded 200 on the first write of an id we never created: the entity predates the session.
        const preExisting = entry.RequestMethod === 'PATCH' && entry.StatusCode === 200 && item && !ids.has(id);

        const { response, exchange } = await replay.send(entry);
        sent++;
        const status = Number(response.status);
        if (item && entry.RequestMethod === 'PATCH' && (status === 200 || status === 201)) ids.add(id);
        if (item && entry.RequestMethod === 'DELETE' && status === 204) ids.delete(id);

        // The request is the recorded one: same path and query, same body bytes, same content type.
        const recordedUrl = new URL(entry.RequestUri);
        expect(exchange.pathAndQuery).toBe(`${recordedUrl.pathname}${recordedUrl.search}`);
        expect(exchange.requestHeaders['x-ms-content-sha256']).toBe(entry.RequestHeaders['x-ms-content-sha256']);
        expect(exchange.requestHeaders['content-type']).toBe(entry.RequestHeaders['Content-Type']);

        const options: CompareOptions = {
          renames,
          exactErrorMessages: entry.RequestMethod === 'DELETE' && (entry.StatusCode === 400 || entry.StatusCode === 409),
          ignoreKeys: pending?.ignoreKeys,
        };
        const diffs = pending?.nowStatus
          ? comparePendingStatus(entry, response, exchange, pending)
          : compareResponse(entry, response, exchange, preExisting ? 201 : entry.StatusCode, options);

        expect(diffs).toEqual(known ? known.diffs : []);
        if (pending?.now) {
          const recordedEntities = entitiesOf(entry.ResponseBody);
          for (const entity of entitiesOf(response.body)) {
            const recordedEntity = recordedEntities.find((r) => r['id'] === entity['id']);
            for (const [field, value] of Object.entries(pending.now)) {
              expect({ [field]: entity[field] }).toEqual({ [field]: value });
              // The recording really differs there; otherwise the exclusion would hide nothing.
              expect({ [field]: recordedEntity?.[field] }).not.toEqual({ [field]: value });
            }
          }
        }
        outcomes.set(key, known ? 'known' : pending ? 'pending' : preExisting ? 'preExisting' : 'exact');
      });
    });
  });
}

describe('replay coverage', () => {
  it('replays every recording on disk, each once, in a stated order', () => {
    expect([...replayFileNames()].sort()).toEqual(recordingFilesOnDisk());
    expect(allSteps).toHaveLength(202);
  });

  it('reached every recorded step', () => {
    expect(allSteps.filter((key) => !outcomes.has(key))).toEqual([]);
  });
});
