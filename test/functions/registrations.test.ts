import fs from 'node:fs';
import path from 'node:path';
import { publicRoutes } from '../../shared/http/publicRoutes';
import { routeTable } from '../../shared/http/routeTable';
import { AZURE_DEFAULTS, AZURE_SETTINGS, readAzureConfig } from '../../shared/hosting/azureConfig';
import { EVENT_SWEEP_SCHEDULE } from '../../functions/eventSweep';
import { STATISTICS_SCHEDULE } from '../../functions/statisticsProjector';
import { matcher } from '../../functions/matcher';
import { MATCH_SWEEP_SCHEDULE } from '../../functions/matchSweep';
import { routerTimerNames } from '../../functions/orchestrators/routerTimer';

// The Functions host is not installable here, so its core module is stood in for: the stand-in only
// records what `@azure/functions` and `durable-functions` register, which is what the host would read at startup.
// `log` is what the library checks to allow HTTP streams (a host of 4.28 or later).
type Binding = Record<string, unknown>;
let registered: { metadata: { name: string; bindings: Record<string, Binding> }; callback: unknown }[] = [];
let hooks: string[] = [];
jest.mock(
  '@azure/functions-core',
  () => ({
    setProgrammingModel: () => undefined,
    log: () => undefined,
    registerHook: (name: string) => {
      hooks.push(name);
      return { dispose: () => undefined };
    },
    registerFunction: (metadata: (typeof registered)[number]['metadata'], callback: unknown) => {
      registered.push({ metadata, callback });
      return { dispose: () => undefined };
    },
  }),
  { virtual: true },
);

/** The app settings of the deployed app (identity-based), as far as registration reads them. */
const AZURE_MODE = { [AZURE_SETTINGS.cosmosEndpoint.name]: 'https://cosmos.invalid:443/', [AZURE_SETTINGS.serviceBusNamespace.name]: 'sb.invalid' };

/** Loads the registrations as the host would with these app settings, and returns what they registered. */
function loadRegistrations(settings: Record<string, string>): { names: string[]; hooks: string[]; registered: typeof registered } {
  registered = [];
  hooks = [];
  const saved = { ...process.env };
  for (const name of [...Object.values(AZURE_SETTINGS).map((s) => s.name)]) delete process.env[name];
  Object.assign(process.env, settings);
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- registration happens as a side effect of loading the module
      require('../../functions/index');
    });
  } finally {
    process.env = saved;
  }
  return { names: registered.map((r) => r.metadata.name).sort(), hooks, registered };
}

/** The operations of the Job Router REST API 2023-11-01. */
const SERVICE_OPERATIONS = [
  'ListClassificationPolicies', 'GetClassificationPolicy', 'UpsertClassificationPolicy', 'DeleteClassificationPolicy',
  'ListDistributionPolicies', 'GetDistributionPolicy', 'UpsertDistributionPolicy', 'DeleteDistributionPolicy',
  'ListExceptionPolicies', 'GetExceptionPolicy', 'UpsertExceptionPolicy', 'DeleteExceptionPolicy',
  'ListQueues', 'GetQueue', 'UpsertQueue', 'DeleteQueue', 'GetQueueStatistics',
  'ListJobs', 'GetJob', 'UpsertJob', 'DeleteJob', 'GetInQueuePosition',
  'ReclassifyJob', 'CancelJob', 'CompleteJob', 'CloseJob', 'UnassignJob',
  'ListWorkers', 'GetWorker', 'UpsertWorker', 'DeleteWorker', 'AcceptJobOffer', 'DeclineJobOffer',
];
/** The router's own operations beyond the service's (ADR 17). */
const EVENT_EXTENSIONS = ['ListEvents', 'StreamEvents', 'ListEventSubscriptions', 'ListDeadLetters', 'RedeliverDeadLetters'];
const TIMER_EXTENSIONS = ['GetTimerSummary', 'ListTimerDeadLetters', 'RedriveTimerDeadLetters'];
const STATISTICS_EXTENSIONS = ['GetRealTimeStatistics', 'GetCumulativeStatistics'];

const bindingsOf = (name: string): Binding[] => Object.values(registered.find((r) => r.metadata.name === name)?.metadata.bindings ?? {});
const trigger = (name: string) => bindingsOf(name).find((b) => String(b['type']).endsWith('Trigger'));
const hasDurableClient = (name: string) => bindingsOf(name).some((b) => b['type'] === 'durableClient' && b['direction'] === 'in');
const hostJson = JSON.parse(fs.readFileSync(path.join(__dirname, '../../host.json'), 'utf8'));

describe('Azure Functions registrations (Azure mode)', () => {
  beforeAll(() => {
    loadRegistrations(AZURE_MODE);
  });

  it('the route table holds the 33 operations of the service, then the router\'s event, timer and statistics extensions', () => {
    const ids = routeTable.map((op) => op.operationId);
    expect(ids.slice(0, 33).sort()).toEqual([...SERVICE_OPERATIONS].sort());
    expect(ids.slice(33)).toEqual([...EVENT_EXTENSIONS, ...TIMER_EXTENSIONS, ...STATISTICS_EXTENSIONS]);
  });

  it('registers every operation of the route table, the public routes, the dashboard, the matcher, the two sweeps, the statistics projector, the timer orchestrator and its two activities — nothing else', () => {
    const expected = [...routeTable.map((op) => op.operationId), ...publicRoutes.map((route) => route.operationId), 'Dashboard', 'matcher', 'matchSweep', 'eventSweep', 'statisticsProjector', routerTimerNames.orchestration, routerTimerNames.activity, routerTimerNames.deadLetter];
    expect(registered.map((r) => r.metadata.name).sort()).toEqual(expected.sort());
    for (const r of registered) expect(typeof r.callback).toBe('function');
  });

  it.each(routeTable.map((op) => [op.operationId, op] as const))('%s has its method, the service route template and the Durable client', (operationId, op) => {
    expect(trigger(operationId)).toMatchObject({ type: 'httpTrigger', direction: 'in', methods: [op.method], route: op.path.slice(1), authLevel: 'anonymous' });
    expect(hasDurableClient(operationId)).toBe(true);
  });

  it.each(publicRoutes.map((route) => [route.path, route] as const))('%s is an anonymous GET/HEAD route without the Durable client', (_path, route) => {
    expect(trigger(route.operationId)).toMatchObject({ type: 'httpTrigger', direction: 'in', methods: ['GET', 'HEAD'], route: route.path.slice(1), authLevel: 'anonymous' });
    expect(hasDurableClient(route.operationId)).toBe(false);
  });

  it('the public routes are /health, /ready and /openapi.json', () => {
    expect(publicRoutes.map((route) => route.path)).toEqual(['/health', '/ready', '/openapi.json']);
  });

  it("the matcher is a session-enabled Service Bus trigger on the shared connection and the producer's queue (its default when unset)", () => {
    expect(trigger('matcher')).toMatchObject({
      type: 'serviceBusTrigger',
      connection: AZURE_SETTINGS.serviceBus.name,
      queueName: AZURE_DEFAULTS.matchQueue,
      isSessionsEnabled: true,
    });
    expect(hasDurableClient('matcher')).toBe(true);
    // A fresh module instance registered it (isolateModules), so the handler is known by its name.
    expect((registered.find((r) => r.metadata.name === 'matcher')?.callback as { name?: string } | undefined)?.name).toBe(matcher.name);
  });

  it('the matcher listens on the queue the setting names, the one the producer sends to', () => {
    loadRegistrations({ ...AZURE_MODE, [AZURE_SETTINGS.matchQueue.name]: 'other-queue' });
    expect(trigger('matcher')).toMatchObject({ queueName: 'other-queue' });
    expect(readAzureConfig({ ...AZURE_MODE, [AZURE_SETTINGS.matchQueue.name]: 'other-queue' }).serviceBus?.queue).toBe('other-queue');
    loadRegistrations(AZURE_MODE);
  });

  it('composes the host when the app starts, so wrong settings are reported before the first request', () => {
    expect(hooks).toEqual(['appStart']);
  });

  it('timers: an orchestration trigger and an activity trigger that can schedule again', () => {
    expect(trigger(routerTimerNames.orchestration)).toMatchObject({ type: 'orchestrationTrigger' });
    expect(trigger(routerTimerNames.activity)).toMatchObject({ type: 'activityTrigger' });
    expect(hasDurableClient(routerTimerNames.activity)).toBe(true);
    expect(hasDurableClient(routerTimerNames.orchestration)).toBe(false);
  });

  it('the sweep runs on a timer and reaches the Durable client', () => {
    expect(trigger('matchSweep')).toMatchObject({ type: 'timerTrigger', schedule: MATCH_SWEEP_SCHEDULE });
    // NCRONTAB with seconds: six fields.
    expect(MATCH_SWEEP_SCHEDULE.split(' ')).toHaveLength(6);
    expect(hasDurableClient('matchSweep')).toBe(true);
  });

  it('the dashboard is one anonymous GET/HEAD route for its files, without the Durable client', () => {
    expect(trigger('Dashboard')).toMatchObject({ type: 'httpTrigger', methods: ['GET', 'HEAD'], route: 'dashboard/{*file}', authLevel: 'anonymous' });
    expect(hasDurableClient('Dashboard')).toBe(false);
  });

  it('the statistics projector runs on a timer without the Durable client', () => {
    expect(trigger('statisticsProjector')).toMatchObject({ type: 'timerTrigger', schedule: STATISTICS_SCHEDULE });
    expect(hasDurableClient('statisticsProjector')).toBe(false);
  });

  it('the event sweep runs on a timer; it schedules nothing, so it has no Durable client', () => {
    expect(trigger('eventSweep')).toMatchObject({ type: 'timerTrigger', schedule: EVENT_SWEEP_SCHEDULE });
    expect(hasDurableClient('eventSweep')).toBe(false);
  });

  it('host.json adds no /api prefix, so routes are exactly the service paths', () => {
    expect(hostJson.extensions.http.routePrefix).toBe('');
  });

  it('host.json configures the sessions the matcher relies on and names the Durable task hub', () => {
    // Messages complete only after the handler succeeded; a session is released soon after its queue goes quiet.
    expect(hostJson.extensions.serviceBus).toMatchObject({ autoCompleteMessages: true, maxConcurrentSessions: expect.any(Number) });
    expect(hostJson.extensions.serviceBus.sessionIdleTimeout).toMatch(/^00:00:\d\d$/);
    expect(hostJson.extensions.durableTask.hubName).toMatch(/^[A-Za-z][A-Za-z0-9]{2,49}$/);
  });

  it('package.json main points at the compiled registrations', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/functions/index.js');
  });
});

describe('Azure Functions registrations (SQLite mode, only Azurite)', () => {
  it('registers the routes, the public routes and the dashboard alone, without the Durable client: matching, timers and the relay run in process, so the Service Bus trigger, the sweeps and the Durable functions would only fail', () => {
    const { names, registered: functions } = loadRegistrations({});
    expect(names).toEqual([...routeTable.map((op) => op.operationId), ...publicRoutes.map((route) => route.operationId), 'Dashboard'].sort());
    for (const r of functions) expect(Object.values(r.metadata.bindings).some((b) => b['type'] === 'durableClient')).toBe(false);
  });

  it('registers the Azure mode\'s functions as soon as a Cosmos DB endpoint is set, even when another setting is wrong (answered 503)', () => {
    const { names } = loadRegistrations({ [AZURE_SETTINGS.cosmosEndpoint.name]: 'https://cosmos.invalid:443/' });
    expect(names).toEqual(expect.arrayContaining(['matcher', 'matchSweep', 'eventSweep']));
  });
});
