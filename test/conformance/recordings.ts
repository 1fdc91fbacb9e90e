import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One request/response pair as the JS SDK test recorder stored it (test/fixtures/recordings/README.md). */
export interface RecordedEntry {
  RequestUri: string;
  RequestMethod: string;
  RequestHeaders: Record<string, string>;
  RequestBody: unknown;
  StatusCode: number;
  ResponseHeaders: Record<string, string>;
  ResponseBody: unknown;
}

export interface RecordingFile {
  /** `jobrouterclient_job_operations/recording_should_get_a_job.json` */
  name: string;
  entries: RecordedEntry[];
}

export const RECORDINGS_DIR = join(__dirname, '..', 'fixtures', 'recordings');

/**
 * The replay order. Specs in the recorded wall-clock order; within a spec, the order of the `it(...)`
 * blocks of the SDK test file (`sdk/communication/communication-job-router-rest/test/public/methods/*.spec.ts`):
 * create, get, update, [queue position, reclassify], list, [list scheduled], [register/deregister],
 * [cancel], delete. `list_scheduled_jobs` comes from an earlier run of the same spec (00:04, when that
 * `it` still sat between "list jobs" and "cancel a job"); its teardown answers (active job, fallback
 * queue) only make sense there, not at the start.
 */
export const REPLAY_ORDER: ReadonlyArray<readonly [folder: string, tests: readonly string[]]> = [
  ['jobrouterclient_classification_policy_operations', ['create_a_classification_policy', 'get_a_classification_policy', 'update_a_classification_policy', 'list_classification_policies', 'delete_a_classification_policy']],
  ['jobrouterclient_distribution_policy_operations', ['create_a_distribution_policy', 'get_a_distribution_policy', 'update_a_distribution_policy', 'list_distribution_policies', 'delete_a_distribution_policy']],
  ['jobrouterclient_exception_policy_operations', ['create_a_exception_policy', 'get_a_exception_policy', 'update_a_exception_policy', 'list_exception_policies', 'delete_a_exception_policy']],
  [
    'jobrouterclient_job_operations',
    ['create_a_job', 'get_a_job', 'update_a_job', 'get_queue_position_for_a_job', 'reclassify_a_job', 'list_jobs', 'list_scheduled_jobs', 'cancel_a_job', 'delete_a_job'],
  ],
  ['jobrouterclient_queue_operations', ['create_a_queue', 'get_a_queue', 'update_a_queue', 'list_queues', 'delete_a_queue']],
  ['jobrouterclient_worker_operations', ['create_a_worker', 'get_a_worker', 'update_a_worker', 'register_and_deregister_a_worker', 'list_workers', 'delete_a_worker']],
];

export function replayFileNames(): string[] {
  return REPLAY_ORDER.flatMap(([folder, tests]) => tests.map((test) => `${folder}/recording_should_${test}.json`));
}

/** Every `*.json` under the fixtures folder, to prove the replay order leaves none out. */
export function recordingFilesOnDisk(): string[] {
  return readdirSync(RECORDINGS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) => readdirSync(join(RECORDINGS_DIR, dir.name)).filter((file) => file.endsWith('.json')).map((file) => `${dir.name}/${file}`))
    .sort();
}

export function loadRecording(name: string): RecordingFile {
  const parsed = JSON.parse(readFileSync(join(RECORDINGS_DIR, name), 'utf8')) as { Entries: RecordedEntry[] };
  return { name, entries: parsed.Entries };
}

export interface RecordedTarget {
  /** Path as recorded (percent-encoded ids kept), e.g. `/routing/jobs/test-job-recorded-jobs:cancel`. */
  path: string;
  /** Decoded query parameters other than api-version, in recorded order. */
  query: Array<[string, string]>;
  /** Path and query as recorded, without api-version: what the client must send before it appends api-version. */
  pathAndQuery: string;
}

export function recordedTarget(entry: RecordedEntry): RecordedTarget {
  const url = new URL(entry.RequestUri);
  const query = [...url.searchParams.entries()].filter(([key]) => key !== 'api-version');
  const rawQuery = url.search
    .slice(1)
    .split('&')
    .filter((part) => part && !part.startsWith('api-version='))
    .join('&');
  return { path: url.pathname, query, pathAndQuery: rawQuery ? `${url.pathname}?${rawQuery}` : url.pathname };
}

/** `/routing/queues/test-a-queue` → `{ collection: 'queues', id: 'test-a-queue' }`; lists have no id. */
export function resourceOf(path: string): { collection: string; id?: string } {
  const match = /^\/routing\/([^/:]+)(?:\/([^/:]+))?/.exec(path);
  if (!match?.[1]) throw new Error(`not a router path: ${path}`);
  return { collection: match[1], ...(match[2] ? { id: decodeURIComponent(match[2]) } : {}) };
}

/** `#3 PATCH /routing/queues/{id} → 201`: the step name shown in the Jest report. */
export function stepName(index: number, entry: RecordedEntry): string {
  const { path, query } = recordedTarget(entry);
  const template = path.replace(/^(\/routing\/[^/:]+)\/[^/:]+/, '$1/{id}');
  const shownQuery = query.length ? `?${query.map(([key, value]) => `${key}=${value}`).join('&')}` : '';
  return `#${index + 1} ${entry.RequestMethod} ${template}${shownQuery} → ${entry.StatusCode}`;
}
