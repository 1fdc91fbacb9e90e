import { DEFAULT_EVENT_TOPIC } from '../../shared/hosting/webhookConfig';
import { InvocationContext, type LogLevel } from '@azure/functions';
import { matcher, POISON_BODY_EXCERPT } from '../../functions/matcher';
import { ServiceBusClient } from '@azure/service-bus';
import { handleMatchMessage, matchMessageBody, parseMatchMessage } from '../../shared/adapters/azure/matchMessage';
import { openServiceBusMatchQueue, ServiceBusMatchQueue, sessionIdFor } from '../../shared/adapters/azure/ServiceBusMatchQueue';
import { openSqliteStore, type SqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { EventRelay } from '../../shared/app/EventRelay';
import { StoreScheduler } from '../../shared/adapters/embedded/StoreScheduler';
import { upsertJob } from '../../shared/app/upsertJob';
import { upsertResource } from '../../shared/app/upsertResource';
import { upsertWorker } from '../../shared/app/upsertWorker';
import { distributionPolicyResource, queueResource } from '../../shared/domain/resources';
import { jobRouting, type EngineJob, type EngineWorker } from '../../shared/domain/routing/routingState';
import { AZURE_DEFAULTS } from '../../shared/hosting/azureConfig';
import { ConfigError } from '../../shared/hosting/config';
import { createAzureEngine } from '../../shared/hosting/createAzureEngine';
import { useFunctionsHost } from '../../shared/hosting/functionsHost';
import { DEFAULT_MAX_BODY_BYTES } from '../../shared/http/handleRequest';
import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { silentLogger } from '../../shared/ports/Logger';
import type { RouterPorts } from '../../shared/ports/RouterPorts';
import { AmqpTestBroker } from '../support/amqpTestBroker';
import { checkInvariants } from '../support/invariants';
import { ServiceBusTriggerRunner, type TriggerHandler, type TriggerMetadata } from '../support/serviceBusTriggerRunner';
import { TestClock } from '../support/testClock';

/**
 * The Service Bus matching path: the message format, the producer (ServiceBusMatchQueue), the matcher
 * function (its registration is in registrations.test.ts). Service Bus is the AMQP test broker (its emulator needs Docker, which
 * does not run here), reached by the real @azure/service-bus client; what the Functions host does
 * with a session-enabled trigger is done by the trigger runner with the same client. The rest of the
 * engine is real: the SQLite store in memory, the use cases, runMatching.
 */

const MATCH_QUEUE = AZURE_DEFAULTS.matchQueue;
const DEAD_LETTERS = `${MATCH_QUEUE}/$DeadLetterQueue`;
const WORKER = { capacity: 1, channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true };

describe('match message format', () => {
  it.each([
    [{ queueId: 'q' }],
    [{ queueId: 'q', jobId: 'j' }],
    [{ queueId: 'q', workerId: 'w' }],
    [{ queueId: 'a b', jobId: '12345' }],
  ])('reads back what the producer writes: %j', (request) => {
    const body = matchMessageBody(request);
    expect(parseMatchMessage(body)).toEqual({ ok: true, request });
    expect(parseMatchMessage(JSON.stringify(body))).toEqual({ ok: true, request });
    expect(parseMatchMessage(Buffer.from(JSON.stringify(body)))).toEqual({ ok: true, request });
  });

  it('writes only the members a request has', () => {
    expect(JSON.stringify(matchMessageBody({ queueId: 'q', jobId: undefined, workerId: 'w' }))).toBe('{"queueId":"q","workerId":"w"}');
  });

  it('ignores members it does not know, so a newer producer does not poison an older consumer', () => {
    expect(parseMatchMessage({ queueId: 'q', priority: 3 })).toEqual({ ok: true, request: { queueId: 'q' } });
  });

  it.each([
    ['not JSON', 'match q', /the body is not JSON/],
    ['JSON but not an object', '[1,2]', /must be a JSON object .* got an array/],
    ['JSON null', 'null', /got null/],
    ['a number', 42, /got number/],
    ['no queueId', { jobId: 'j' }, /queueId must be a string, got undefined/],
    ['a queueId that is not a string', { queueId: 7 }, /queueId must be a string, got number/],
    ['a jobId that is not a string', { queueId: 'q', jobId: ['j'] }, /jobId must be a string, got an array/],
    ['an id no resource can have', { queueId: 'a/b' }, /queueId must not contain "\/"/],
    ['an empty id', { queueId: '' }, /queueId must not be empty/],
    ['both a job and a worker', { queueId: 'q', jobId: 'j', workerId: 'w' }, /names both a jobId and a workerId/],
  ])('recognises a poison message with its reason: %s', (_case, body, reason) => {
    const parsed = parseMatchMessage(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe('session ids', () => {
  it('is the router queue id when Service Bus can take it', () => {
    expect(sessionIdFor('q')).toBe('q');
    expect(sessionIdFor('x'.repeat(128))).toBe('x'.repeat(128));
  });

  it('is a digest of a queue id longer than the 128 characters Service Bus allows: the same for the same queue, different for another', () => {
    const long = sessionIdFor('x'.repeat(255));
    expect(long.length).toBeLessThanOrEqual(128);
    expect(sessionIdFor('x'.repeat(255))).toBe(long);
    expect(sessionIdFor(`${'x'.repeat(254)}y`)).not.toBe(long);
  });
});

/** A broker with the match queue, a producer on its own client, and the engine's ports around it. */
class Harness {
  readonly logs: { level: LogLevel; text: string }[] = [];
  /** Trigger runners started so far: each stands for one Functions instance. */
  readonly runners: ServiceBusTriggerRunner[] = [];

  private constructor(
    readonly broker: AmqpTestBroker,
    readonly producerClient: ServiceBusClient,
    readonly matchQueue: ServiceBusMatchQueue,
    readonly store: SqliteStore,
    readonly clock: TestClock,
    readonly ports: RouterPorts,
  ) {}

  static async start(options: { maxMessageSize?: number; maxDeliveryCount?: number } = {}): Promise<Harness> {
    const broker = await AmqpTestBroker.start({ maxMessageSize: options.maxMessageSize });
    broker.createQueue(MATCH_QUEUE, { maxDeliveryCount: options.maxDeliveryCount ?? 3 });
    const producerClient = new ServiceBusClient(broker.connectionString);
    const matchQueue = ServiceBusMatchQueue.fromClient(producerClient, MATCH_QUEUE);
    const store = openSqliteStore({ path: ':memory:' });
    const clock = new TestClock();
    let n = 0;
    // The Azure composition with the embedded scheduler (timers are not what these tests are about).
    const relay = new EventRelay({ store, clock, logger: silentLogger, channels: [] });
    const engine = createAzureEngine({ store, matchQueue, events: relay, logger: silentLogger, clock, newId: () => `id-${++n}` });
    const ports = engine.portsWith(new StoreScheduler(store, clock, silentLogger));
    // The Functions host as the matcher reaches it (invocationPorts); no Durable runtime runs here, so its scheduler is not asked for.
    useFunctionsHost({ mode: 'azure', accessKey: Buffer.from('test').toString('base64'), maxBodyBytes: DEFAULT_MAX_BODY_BYTES, logger: silentLogger, relay, eventTopic: DEFAULT_EVENT_TOPIC, ports: () => ports });
    return new Harness(broker, producerClient, matchQueue, store, clock, ports);
  }

  /** Distribution policy `dp` and the given router queues. */
  async queues(...ids: string[]): Promise<void> {
    await upsertResource(this.ports, distributionPolicyResource, 'dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
    for (const id of ids) await upsertResource(this.ports, queueResource, id, { distributionPolicyId: 'dp' });
  }

  async worker(id: string, queues: string[]): Promise<void> {
    await upsertWorker(this.ports, id, { ...WORKER, queues }, {});
    this.clock.advance(1000);
  }

  async job(id: string, queueId: string): Promise<void> {
    await upsertJob(this.ports, id, { queueId, channelId: 'voice' }, {});
    this.clock.advance(1000);
  }

  /** The matcher as the host calls it: with a fresh invocation context carrying the trigger metadata. */
  readonly invokeMatcher: TriggerHandler = (message, triggerMetadata) => matcher(message, this.context(triggerMetadata));

  startRunner(handler: TriggerHandler = this.invokeMatcher, maxConcurrentSessions = 2): ServiceBusTriggerRunner {
    const runner = ServiceBusTriggerRunner.start({
      connectionString: this.broker.connectionString,
      queueName: MATCH_QUEUE,
      handler,
      whenDrained: () => this.broker.whenDrained(MATCH_QUEUE),
      maxConcurrentSessions,
    });
    this.runners.push(runner);
    return runner;
  }

  get runner(): ServiceBusTriggerRunner {
    const [runner] = this.runners;
    if (!runner) throw new Error('no trigger runner was started');
    return runner;
  }

  context(triggerMetadata: TriggerMetadata): InvocationContext {
    return new InvocationContext({
      functionName: 'matcher',
      triggerMetadata: { ...triggerMetadata },
      logHandler: (level, ...args) => this.logs.push({ level, text: args.map(String).join(' ') }),
    });
  }

  async jobBody(id: string): Promise<EngineJob | undefined> {
    return (await this.store.get<EngineJob>('jobs', id))?.body;
  }

  async workerBody(id: string): Promise<EngineWorker | undefined> {
    return (await this.store.get<EngineWorker>('workers', id))?.body;
  }

  async offersIssued(): Promise<RouterEvent[]> {
    const page = await this.store.list<RouterEvent>('events', { pageSize: 1000 });
    return page.items.map((doc) => doc.body).filter((event) => event.type === 'RouterWorkerOfferIssued');
  }

  async violations(): Promise<string[]> {
    return (await checkInvariants(this.store, { now: this.clock.now() })).map((v) => `${v.invariant}: ${v.message}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await this.matchQueue.close();
    await this.producerClient.close();
    await this.broker.close();
    await this.store.close();
    useFunctionsHost(undefined);
    expect(this.broker.errors).toEqual([]);
  }
}

describe('ServiceBusMatchQueue (producer)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('sends one JSON message per request, in the session of its router queue, each with a message id', async () => {
    h = await Harness.start();
    await h.matchQueue.enqueue([{ queueId: 'q1', jobId: 'j1' }, { queueId: 'q2', workerId: 'w1' }, { queueId: 'q1' }]);
    const messages = h.broker.messages(MATCH_QUEUE);
    expect(messages.map((m) => [m.sessionId, m.body, m.contentType])).toEqual([
      ['q1', { queueId: 'q1', jobId: 'j1' }, 'application/json'],
      ['q1', { queueId: 'q1' }, 'application/json'],
      ['q2', { queueId: 'q2', workerId: 'w1' }, 'application/json'],
    ]);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(3);
    // One batch per session: a partitioned queue would refuse one spanning two.
    expect(h.broker.transfers(MATCH_QUEUE).sort()).toEqual([1, 2]);
  });

  it('is opened from the host settings with a connection string', async () => {
    h = await Harness.start();
    const opened = openServiceBusMatchQueue({ connectionString: h.broker.connectionString, queue: MATCH_QUEUE });
    await opened.enqueue([{ queueId: 'q', jobId: 'j' }]);
    await opened.close();
    expect(h.broker.messages(MATCH_QUEUE).map((m) => m.body)).toEqual([{ queueId: 'q', jobId: 'j' }]);
  });

  it('says which settings to set when neither a connection string nor a namespace is given', async () => {
    h = await Harness.start();
    expect(() => openServiceBusMatchQueue(undefined)).toThrow(/JOBROUTER_SERVICEBUS__fullyQualifiedNamespace .* or JOBROUTER_SERVICEBUS /);
    expect(() => openServiceBusMatchQueue({ queue: MATCH_QUEUE })).toThrow(ConfigError);
  });

  it('sends nothing for no requests', async () => {
    h = await Harness.start();
    await h.matchQueue.enqueue([]);
    expect(h.broker.transfers(MATCH_QUEUE)).toEqual([]);
  });

  it('starts a new batch when one is full (the broker refuses a transfer over its size, so none was)', async () => {
    h = await Harness.start({ maxMessageSize: 1024 });
    const requests = Array.from({ length: 40 }, (_, i) => ({ queueId: 'q', jobId: `job-${i}` }));
    await h.matchQueue.enqueue(requests);
    const transfers = h.broker.transfers(MATCH_QUEUE);
    expect(transfers.length).toBeGreaterThan(1);
    expect(transfers.reduce((a, b) => a + b, 0)).toBe(40);
    expect(h.broker.messages(MATCH_QUEUE).map((m) => m.body)).toEqual(requests);
  });
});

describe('trigger runner', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  // Stopping while the SDK is still opening its connection once left a session wait behind for 60 s.
  it('stops right after it started, before any session was served, and leaves nothing waiting', async () => {
    h = await Harness.start();
    const runner = h.startRunner();
    await runner.stop();
    expect(runner.errors).toEqual([]);
    // A message sent now stays where it is: nobody is receiving.
    await h.matchQueue.enqueue([{ queueId: 'q' }]);
    expect(h.broker.messages(MATCH_QUEUE).map((m) => m.locked)).toEqual([false]);
  });
});

describe('matcher function', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('puts two router queues in two sessions; two instances never hold the same session at once', async () => {
    h = await Harness.start();
    await h.queues('q1', 'q2');
    await h.matchQueue.enqueue([{ queueId: 'q1' }, { queueId: 'q1' }, { queueId: 'q2' }, { queueId: 'q2' }]);
    expect(new Set(h.broker.messages(MATCH_QUEUE).map((m) => m.sessionId))).toEqual(new Set(['q1', 'q2']));

    // The first q1 message is held in its handler until both q2 messages are done; meanwhile the
    // other instance gets q2, and nobody gets q1's second message.
    let releaseQ1: () => void = () => undefined;
    const q1Held = new Promise<void>((resolve) => (releaseQ1 = resolve));
    let reportQ2Done: () => void = () => undefined;
    const q2Done = new Promise<void>((resolve) => (reportQ2Done = resolve));
    const handled: { session: string; instance: string }[] = [];
    const running = new Map<string, number>();
    let overlapped = false;
    const instance = (name: string): TriggerHandler => async (message, meta) => {
      const session = meta.sessionId ?? '';
      running.set(session, (running.get(session) ?? 0) + 1);
      if ((running.get(session) ?? 0) > 1) overlapped = true;
      if (session === 'q1' && !handled.some((d) => d.session === 'q1')) await q1Held;
      await h.invokeMatcher(message, meta);
      handled.push({ session, instance: name });
      running.set(session, (running.get(session) ?? 1) - 1);
      if (handled.filter((d) => d.session === 'q2').length === 2) reportQ2Done();
    };
    h.startRunner(instance('A'), 1);
    h.startRunner(instance('B'), 1);

    await q2Done;
    expect(handled.map((d) => d.session)).toEqual(['q2', 'q2']);
    expect(h.broker.sessionOwner(MATCH_QUEUE, 'q1')).toBeDefined();
    expect(h.broker.messages(MATCH_QUEUE).filter((m) => m.sessionId === 'q1').map((m) => m.locked)).toEqual([true, false]);
    releaseQ1();
    await Promise.all(h.runners.map((runner) => runner.idle()));
    expect(handled.map((d) => d.session)).toEqual(['q2', 'q2', 'q1', 'q1']);
    // Each session stayed with the instance that took it, and the two were on different instances.
    const instancesOf = (session: string) => new Set(handled.filter((d) => d.session === session).map((d) => d.instance));
    expect(instancesOf('q1').size).toBe(1);
    expect(instancesOf('q2').size).toBe(1);
    expect([...instancesOf('q1'), ...instancesOf('q2')].sort()).toEqual(['A', 'B']);
    expect(overlapped).toBe(false);
    expect(h.runners.flatMap((runner) => [...runner.failures, ...runner.errors])).toEqual([]);
  });

  it('turns the match messages of a waiting job and an available worker into exactly one offer', async () => {
    h = await Harness.start();
    await h.queues('q');
    await h.worker('w1', ['q']);
    await h.job('j1', 'q');
    // The worker's registration and the job's queueing each asked for matching; nothing ran yet.
    expect(h.broker.messages(MATCH_QUEUE).map((m) => m.body)).toEqual([
      { queueId: 'q', workerId: 'w1' },
      { queueId: 'q', jobId: 'j1' },
    ]);
    expect(await h.offersIssued()).toEqual([]);

    h.startRunner();
    await h.runner.idle();

    expect(jobRouting((await h.jobBody('j1'))!).offers.map((o) => o.workerId)).toEqual(['w1']);
    expect((await h.workerBody('w1'))?.offers.map((o) => o.jobId)).toEqual(['j1']);
    expect((await h.offersIssued()).map((e) => [e.data['jobId'], e.data['workerId']])).toEqual([['j1', 'w1']]);
    expect(h.broker.messages(DEAD_LETTERS)).toEqual([]);
    expect(h.runner.failures).toEqual([]);
    expect(h.runner.errors).toEqual([]);
    expect(await h.violations()).toEqual([]);
  });

  it('runs a redelivered message without a second offer and without going over the worker capacity', async () => {
    h = await Harness.start();
    await h.queues('q');
    await h.worker('w1', ['q']);
    await h.job('j1', 'q');
    await h.job('j2', 'q');
    // The first delivery does its work and then the instance "crashes" before completing the message:
    // Service Bus redelivers it and it runs again.
    let crashed = false;
    h.startRunner(async (message, meta) => {
      await h.invokeMatcher(message, meta);
      if (!crashed) {
        crashed = true;
        throw new Error('the instance stopped before completing the message');
      }
    });
    await h.runner.idle();

    const deliveries = h.runner.failures.map((f) => [f.message, f.triggerMetadata.deliveryCount]);
    expect(deliveries).toEqual([[{ queueId: 'q', workerId: 'w1' }, 1]]);
    expect((await h.offersIssued()).map((e) => [e.data['jobId'], e.data['workerId']])).toEqual([['j1', 'w1']]);
    expect((await h.workerBody('w1'))?.offers.map((o) => o.jobId)).toEqual(['j1']);
    expect(jobRouting((await h.jobBody('j2'))!).offers).toEqual([]);
    expect(await h.violations()).toEqual([]);
  });

  it('handles the same message twice without a second offer (handleMatchMessage, no broker in between)', async () => {
    h = await Harness.start();
    await h.queues('q');
    await h.worker('w1', ['q']);
    await h.job('j1', 'q');
    const body = { queueId: 'q', jobId: 'j1' };
    expect(await handleMatchMessage(h.ports, body)).toEqual({ outcome: 'matched', request: body, offers: 1 });
    expect(await handleMatchMessage(h.ports, body)).toEqual({ outcome: 'matched', request: body, offers: 0 });
    expect((await h.workerBody('w1'))?.offers).toHaveLength(1);
    expect(await h.violations()).toEqual([]);
  });

  it('completes a poison message at its first delivery, with the reason and the message logged; the session goes on at once', async () => {
    h = await Harness.start({ maxDeliveryCount: 10 });
    await h.queues('q');
    await h.worker('w1', ['q']);
    await h.job('j1', 'q');
    const sender = h.producerClient.createSender(MATCH_QUEUE);
    await sender.sendMessages({ body: Buffer.from('match q please'), contentType: 'text/plain', sessionId: 'q', messageId: 'poison-1' });
    await sender.sendMessages({ body: Buffer.from(`{"queueId": "${'x'.repeat(2000)}`), contentType: 'text/plain', sessionId: 'q', messageId: 'poison-2' });
    await sender.close();
    h.startRunner();
    await h.runner.idle();

    // One delivery each, no failure, nothing redelivered or dead-lettered.
    expect(h.runner.failures).toEqual([]);
    expect(h.runner.errors).toEqual([]);
    expect(h.broker.messages(DEAD_LETTERS)).toEqual([]);
    expect(h.broker.messages(MATCH_QUEUE)).toEqual([]);
    const errors = h.logs.filter((l) => l.level === 'error').map((l) => l.text);
    expect(errors).toEqual([
      expect.stringMatching(/^Poison match message poison-1 \(session q, delivery 1, body "match q please"\): the body is not JSON .*completed, not retried/),
      expect.stringMatching(/^Poison match message poison-2 \(session q, delivery 1, body "\{\\"queueId\\": \\"x+…"\): the body is not JSON/),
    ]);
    // A long body is cut to the excerpt, so one message cannot flood the log.
    expect(errors[1]?.length).toBeLessThan(POISON_BODY_EXCERPT + 300);
    // The worker's and the job's requests in the same session were run.
    expect((await h.workerBody('w1'))?.offers.map((o) => o.jobId)).toEqual(['j1']);
  });
});
