import { ServiceBusClient, isServiceBusError } from '@azure/service-bus';
import { AmqpTestBroker } from '../support/amqpTestBroker';

/**
 * The test broker against the real @azure/service-bus client: the Service Bus behaviour the matcher
 * tests rely on (sessions, settlement, dead-lettering, batches, management calls). The broker stands in
 * for Service Bus because its emulator needs Docker, which does not run here (see the broker's header).
 */
describe('AMQP test broker with the real Service Bus client', () => {
  let broker: AmqpTestBroker;
  let client: ServiceBusClient;

  beforeEach(async () => {
    broker = await AmqpTestBroker.start({ sessionWaitMs: 200 });
    broker.createQueue('sessions', { maxDeliveryCount: 3 });
    broker.createQueue('plain', { requiresSession: false });
    client = new ServiceBusClient(broker.connectionString);
  });

  afterEach(async () => {
    await client.close();
    await broker.close();
    expect(broker.errors).toEqual([]);
  });

  it('takes the connection string the SDK reads as the emulator switch: plain AMQP to localhost on the given port', () => {
    expect(broker.connectionString).toBe(`Endpoint=sb://localhost:${broker.port};SharedAccessKeyName=test;SharedAccessKey=test;UseDevelopmentEmulator=true`);
  });

  it('stores a sent message under its session, with its body, content type and message id', async () => {
    const sender = client.createSender('sessions');
    await sender.sendMessages({ body: { hello: 'world' }, contentType: 'application/json', sessionId: 's1', messageId: 'm1' });
    expect(broker.messages('sessions')).toEqual([
      expect.objectContaining({ sessionId: 's1', messageId: 'm1', contentType: 'application/json', body: { hello: 'world' }, deliveryCount: 0, locked: false }),
    ]);
    expect(broker.transfers('sessions')).toEqual([1]);
  });

  it('refuses a message without a session id on a session queue, and an unknown queue', async () => {
    await expect(client.createSender('sessions').sendMessages({ body: 1 })).rejects.toThrow(/requires sessions/);
    await expect(client.createSender('nowhere').sendMessages({ body: 1, sessionId: 's' })).rejects.toThrow(/could not be found/);
  });

  it('unpacks a batch into its messages (one transfer)', async () => {
    const sender = client.createSender('sessions');
    const batch = await sender.createMessageBatch();
    for (const n of [1, 2, 3]) expect(batch.tryAddMessage({ body: { n }, sessionId: 's' })).toBe(true);
    await sender.sendMessages(batch);
    expect(broker.messages('sessions').map((m) => m.body)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(broker.transfers('sessions')).toEqual([3]);
  });

  it('advertises its max message size, so a batch holds no more than that and a larger send is refused', async () => {
    await broker.close();
    broker = await AmqpTestBroker.start({ maxMessageSize: 600 });
    broker.createQueue('sessions');
    await client.close();
    client = new ServiceBusClient(broker.connectionString);
    const sender = client.createSender('sessions');
    const batch = await sender.createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(600);
    await expect(sender.sendMessages({ body: 'x'.repeat(700), sessionId: 's' })).rejects.toThrow(/limit is 600/);
  });

  it('gives the next available session to one receiver at a time, in order of its oldest message', async () => {
    const sender = client.createSender('sessions');
    await sender.sendMessages([
      { body: 'a1', sessionId: 'a' },
      { body: 'b1', sessionId: 'b' },
      { body: 'a2', sessionId: 'a' },
    ]);
    const first = await client.acceptNextSession('sessions');
    const second = await client.acceptNextSession('sessions');
    expect([first.sessionId, second.sessionId]).toEqual(['a', 'b']);
    expect(broker.sessionOwner('sessions', 'a')).toBeDefined();
    expect(broker.sessionOwner('sessions', 'a')).not.toBe(broker.sessionOwner('sessions', 'b'));

    const fromA = await first.receiveMessages(10, { maxWaitTimeInMs: 200 });
    expect(fromA.map((m) => m.body)).toEqual(['a1', 'a2']);
    // Session b is held: asking for it by id is refused, and no other session is free.
    await expect(client.acceptSession('sessions', 'b')).rejects.toMatchObject({ code: 'SessionCannotBeLocked' });
    await expect(client.acceptNextSession('sessions')).rejects.toMatchObject({ code: 'ServiceTimeout' });

    await second.close();
    expect(broker.sessionOwner('sessions', 'b')).toBeUndefined();
    const again = await client.acceptNextSession('sessions');
    expect(again.sessionId).toBe('b');
    await first.close();
    await again.close();
  });

  it('holds a next-session request until a session has a message', async () => {
    await broker.close();
    broker = await AmqpTestBroker.start();
    broker.createQueue('sessions');
    await client.close();
    client = new ServiceBusClient(broker.connectionString);
    const waiting = client.acceptNextSession('sessions');
    await broker.whenSessionRequested('sessions');
    await client.createSender('sessions').sendMessages({ body: 'late', sessionId: 'later' });
    const receiver = await waiting;
    expect(receiver.sessionId).toBe('later');
    expect((await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 }))[0]?.body).toBe('late');
    await receiver.close();
  });

  it('delivers no more messages than the receiver has credit for: the rest stay unlocked', async () => {
    await client.createSender('sessions').sendMessages([1, 2, 3].map((n) => ({ body: n, sessionId: 's' })));
    const receiver = await client.acceptNextSession('sessions');
    expect((await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).map((m) => m.body)).toEqual([1]);
    expect(broker.messages('sessions').map((m) => m.locked)).toEqual([true, false, false]);
    expect((await receiver.receiveMessages(5, { maxWaitTimeInMs: 200 })).map((m) => m.body)).toEqual([2, 3]);
    await receiver.close();
  });

  it('answers a drain whose credit the message just sent used up, so a short receive keeps its lock', async () => {
    // With a wait this short the SDK asks to drain before the transfer reaches it. Without an answer it
    // would close the link after 200 ms, losing the session lock: the message would go to another receiver
    // while this one handles it. Several rounds, as the race is not certain to happen in each.
    const sender = client.createSender('sessions');
    const receiver = await client.acceptSession('sessions', 's');
    for (let round = 0; round < 10; round++) {
      await sender.sendMessages({ body: round, sessionId: 's' });
      let received = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1 });
      if (received.length === 0) received = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 });
      expect(received.map((m) => m.body)).toEqual([round]);
      expect(broker.messages('sessions')).toEqual([expect.objectContaining({ body: round, locked: true, deliveryCount: 0 })]);
      await receiver.completeMessage(received[0]!);
    }
    expect(broker.messages('sessions')).toEqual([]);
    await receiver.close();
  });

  it('completes: the message is gone', async () => {
    await client.createSender('sessions').sendMessages({ body: 'done', sessionId: 's' });
    const receiver = await client.acceptNextSession('sessions');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 });
    expect(broker.messages('sessions')[0]?.locked).toBe(true);
    await receiver.completeMessage(message!);
    expect(broker.messages('sessions')).toEqual([]);
    await receiver.close();
  });

  it('abandons: redelivered with its delivery count up by one, dead-lettered at maxDeliveryCount', async () => {
    await client.createSender('sessions').sendMessages({ body: 'retry', sessionId: 's' });
    const receiver = await client.acceptNextSession('sessions');
    const counts: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 });
      counts.push(message!.deliveryCount!);
      await receiver.abandonMessage(message!);
    }
    expect(counts).toEqual([0, 1, 2]);
    expect(broker.messages('sessions')).toEqual([]);
    expect(broker.messages('sessions/$DeadLetterQueue')).toEqual([
      expect.objectContaining({ body: 'retry', sessionId: 's', applicationProperties: expect.objectContaining({ DeadLetterReason: 'MaxDeliveryCountExceeded' }) }),
    ]);
    await receiver.close();
  });

  it('dead-letters with the reason and description the receiver gives; the dead-letter queue is read like a queue', async () => {
    await client.createSender('sessions').sendMessages({ body: 'bad', sessionId: 's' });
    const receiver = await client.acceptNextSession('sessions');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 });
    await receiver.deadLetterMessage(message!, { deadLetterReason: 'Unreadable', deadLetterErrorDescription: 'not JSON' });
    await receiver.close();

    const deadLetters = client.createReceiver('sessions', { subQueueType: 'deadLetter' });
    const [peeked] = await deadLetters.peekMessages(10);
    expect(peeked).toMatchObject({ body: 'bad', deadLetterReason: 'Unreadable', deadLetterErrorDescription: 'not JSON' });
    const [received] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 200 });
    expect(received).toMatchObject({ body: 'bad', deadLetterReason: 'Unreadable' });
    await deadLetters.completeMessage(received!);
    expect(broker.messages('sessions/$DeadLetterQueue')).toEqual([]);
    await deadLetters.close();
  });

  it('unlocks what a receiver held when it closes, as an abandon', async () => {
    await client.createSender('sessions').sendMessages({ body: 'held', sessionId: 's' });
    const receiver = await client.acceptNextSession('sessions');
    await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 });
    await receiver.close();
    expect(broker.messages('sessions')).toEqual([expect.objectContaining({ body: 'held', locked: false, deliveryCount: 1 })]);
  });

  it('renews a session lock, keeps session state, and peeks a session', async () => {
    await client.createSender('sessions').sendMessages([
      { body: 'p1', sessionId: 's' },
      { body: 'p2', sessionId: 's' },
    ]);
    const receiver = await client.acceptSession('sessions', 's');
    const before = receiver.sessionLockedUntilUtc.getTime();
    expect(before).toBeGreaterThan(Date.now());
    const renewed = await receiver.renewSessionLock();
    expect(renewed.getTime()).toBeGreaterThanOrEqual(before);
    await receiver.setSessionState({ step: 2 });
    expect(await receiver.getSessionState()).toEqual({ step: 2 });
    expect((await receiver.peekMessages(10)).map((m) => m.body)).toEqual(['p1', 'p2']);
    await receiver.close();
  });

  it('serves a plain queue to plain receivers, and refuses a session receiver there', async () => {
    await client.createSender('plain').sendMessages({ body: 'x' });
    const receiver = client.createReceiver('plain');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 });
    await receiver.completeMessage(message!);
    expect(broker.messages('plain')).toEqual([]);
    await receiver.close();
    const refused = await client.acceptNextSession('plain').then(
      () => 'accepted',
      (error: unknown) => (isServiceBusError(error) ? error.message : String(error)),
    );
    expect(refused).toMatch(/has no sessions/);
  });

  it('resolves whenDrained once nothing is waiting or locked', async () => {
    await client.createSender('sessions').sendMessages({ body: 'x', sessionId: 's' });
    let drained = false;
    const watching = broker.whenDrained('sessions').then(() => {
      drained = true;
    });
    const receiver = await client.acceptNextSession('sessions');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 });
    expect(drained).toBe(false);
    await receiver.completeMessage(message!);
    await watching;
    expect(drained).toBe(true);
    await receiver.close();
  });
});
