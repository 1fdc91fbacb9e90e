import type { EventPublisher, OutboxEntry, RouterEvent } from '../../shared/ports/EventPublisher';
import { LiveOnlyEvents } from '../../shared/simulation/liveOnlyEvents';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import { OUTBOX_KEY } from '../../shared/app/outbox';
import { runScenario } from '../../shared/simulation/runScenario';
import { parseScenario } from '../../shared/simulation/scenario';

const entry = (n: number): OutboxEntry => ({
  position: `2026-01-05T09:00:00.000Z-${n}`,
  event: { id: `e${n}`, type: 'RouterJobReceived', subject: `job/j${n}`, time: '2026-01-05T09:00:00.000Z', data: { jobId: `j${n}` } },
});

describe('LiveOnlyEvents: the events of a simulation, announced and not recorded', () => {
  it('announces the entries it is handed, in order, to the listeners subscribed at the time', async () => {
    const events = new LiveOnlyEvents();
    const heard: RouterEvent[] = [];
    const stop = events.subscribe((event) => heard.push(event));
    await events.record([entry(1), entry(2)]);
    await events.record([entry(3)]);
    stop();
    await events.record([entry(4)]);
    expect(heard.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    // Writes keep no outbox for it, so no write ever asks it what was recorded.
    expect(events.outbox).toBe(false);
  });

  it('announces the events of a delete once it is confirmed, and never those of a delete abandoned', async () => {
    const events = new LiveOnlyEvents();
    const heard: string[] = [];
    events.subscribe((event) => heard.push(event.id));
    const publisher: EventPublisher = events;
    const document = { collection: 'jobs' as const, id: 'j1', etag: '"1"' };
    await publisher.prepare([entry(1)], document);
    await publisher.prepare([entry(2)], document);
    expect(heard).toEqual([]);
    await events.abandon([entry(2)]);
    await events.confirm([entry(1), entry(2)]);
    expect(heard).toEqual(['e1']);
  });
});

it('a simulation writes no outbox into its documents, and every event of it is heard once', async () => {
  const store = openMemoryStore();
  // Kept open past the run (runScenario closes its store) to look at what it wrote.
  const kept = new Proxy(store, { get: (target, property) => (property === 'close' ? () => Promise.resolve() : Reflect.get(target, property, target) as unknown) });
  const heard: RouterEvent[] = [];
  const scenario = parseScenario(JSON.parse(readFileSync(join(__dirname, '../../examples/minimal.json'), 'utf8')));
  const run = await runScenario({ ...scenario, durationSeconds: 1800, warmupSeconds: 0 }, { store: kept, onEvent: (event) => heard.push(event) });
  expect(new Set(heard.map((event) => event.id)).size).toBe(heard.length);
  expect(heard.filter((event) => event.type === 'RouterJobReceived')).toHaveLength(run.jobs.length);
  for (const collection of ['jobs', 'workers'] as const) {
    const { items } = await store.list(collection, { pageSize: 10_000 });
    expect(items.length).toBeGreaterThan(0);
    for (const doc of items) {
      expect(doc.body).not.toHaveProperty('_outbox');
      expect(doc.keys).not.toHaveProperty(OUTBOX_KEY);
    }
  }
  await store.close();
});

it('keeps what a listener throws, still tells the other listeners, and a run ends with it', async () => {
  const events = new LiveOnlyEvents();
  const heard: string[] = [];
  events.subscribe(() => {
    throw new Error('listener broke');
  });
  events.subscribe((event) => heard.push(event.id));
  // The router relays through the port and would log a throw as a failed recording: nothing must reach it.
  await expect(events.record([entry(1)])).resolves.toBeUndefined();
  expect(heard).toEqual(['e1']);
  expect(events.failures).toEqual([new Error('listener broke')]);

  const scenario = parseScenario(JSON.parse(readFileSync(join(__dirname, '../../examples/minimal.json'), 'utf8')));
  let count = 0;
  const failing = (event: RouterEvent) => {
    if (event.type === 'RouterWorkerOfferIssued' && ++count === 3) throw new Error('a listener of the run broke');
  };
  await expect(runScenario({ ...scenario, durationSeconds: 600, warmupSeconds: 0 }, { onEvent: failing })).rejects.toThrow('a listener of the run broke');
});
