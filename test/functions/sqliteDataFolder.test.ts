import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SETTINGS } from '../../shared/hosting/config';
import { functionsHost, useFunctionsHost, useFunctionsSettings } from '../../shared/hosting/functionsHost';
import { startEmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';
import { FUNCTIONS_ACCESS_KEY, functionsClient } from '../support/functionsHostOnCosmos';
import { TestClock } from '../support/testClock';

/**
 * The Functions host with no Cosmos DB endpoint keeps its state in SQLite in its data folder, like the
 * embedded host, and like it takes the folder for itself: two routers on one SQLite file would each
 * believe they alone change it (their timers, matcher and in-memory routing index).
 */
const dataDirs: string[] = [];
const newDataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'functions-sqlite-'));
  dataDirs.push(dir);
  return dir;
};
/** Whether a test left a composed host to close (closing composes one from process.env otherwise). */
let composed = false;
afterEach(async () => {
  if (composed) await (await functionsHost().catch(() => undefined))?.close?.();
  composed = false;
  useFunctionsHost(undefined);
});
afterAll(() => {
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const settings = (dataDir: string) => ({ [SETTINGS.accessKey]: FUNCTIONS_ACCESS_KEY, [SETTINGS.logLevel]: 'silent', [SETTINGS.dataDir]: dataDir });
const messageOf = (body: unknown) => (body as { communicationError: { message: string } }).communicationError.message;

it('refuses a data folder another router uses: 503 naming it, and serves once that router stopped', async () => {
  const dataDir = newDataDir();
  const embedded = await startEmbeddedHost({ port: 0, dataDir, logger: silentLogger });
  const clock = new TestClock();
  useFunctionsSettings(settings(dataDir), { clock, logger: silentLogger });
  composed = true;
  const refused = await functionsClient().path('/routing/queues').get();
  expect(refused.status).toBe('503');
  expect(messageOf(refused.body)).toContain(`is using the data folder ${dataDir}`);

  await embedded.close();
  // The composition is tried again after its wait.
  await clock.tick(60_000);
  expect((await functionsClient().path('/routing/queues').get()).status).toBe('200');
});

it('holds its data folder until it is closed: an embedded router on it is refused meanwhile, and starts after', async () => {
  const dataDir = newDataDir();
  useFunctionsSettings(settings(dataDir), { clock: new TestClock(), logger: silentLogger });
  composed = true;
  expect((await functionsClient().path('/routing/queues').get()).status).toBe('200');
  await expect(startEmbeddedHost({ port: 0, dataDir, logger: silentLogger })).rejects.toThrow(`is using the data folder ${dataDir}`);

  await (await functionsHost()).close?.();
  composed = false;
  const embedded = await startEmbeddedHost({ port: 0, dataDir, logger: silentLogger });
  await embedded.close();
});
