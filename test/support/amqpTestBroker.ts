/**
 * A small AMQP 1.0 broker that speaks enough of Azure Service Bus for the real `@azure/service-bus`
 * client. It is a test double because the Service Bus emulator needs Docker and no Docker engine runs
 * on these machines; the double sits on the far side of the wire, so everything under test (the
 * producer, the trigger runner, the SDK itself) is the real code talking real AMQP frames.
 *
 * What it does, as Service Bus does:
 * - plain AMQP on localhost (port 0); the client reaches it with `connectionString`, which carries the
 *   SDK's `UseDevelopmentEmulator=true` switch (no TLS, the port from the endpoint);
 * - SASL ANONYMOUS and the CBS `$cbs` put-token exchange: any token is taken (status-code 202);
 * - queues declared with `createQueue`, each with its `<queue>/$DeadLetterQueue`; an unknown entity
 *   refuses the link with `amqp:not-found`;
 * - sends, single or batched (message format 0x80013700), up to `maxMessageSize` bytes per transfer
 *   (larger transfers are refused with `amqp:link:message-size-exceeded`); a message's `group-id` is its
 *   session id, and a session queue refuses messages without one; a message without an id gets one;
 * - peek-lock receivers, plain and session (the `com.microsoft:session-filter` source filter: a session
 *   id, or null for the next session that has messages and no owner; such a request waits, as the
 *   service does, until a session frees up or the client's `com.microsoft:timeout` is nearly up (or
 *   `sessionWaitMs`), and then ends with `com.microsoft:timeout`); a session is locked to one receiver
 *   link at a time;
 * - settlement: accepted removes the message; modified (abandon) makes it available again with its
 *   delivery count + 1, and at `maxDeliveryCount` dead-letters it with reason MaxDeliveryCountExceeded;
 *   modified with undeliverable-here (defer) sets it aside; rejected dead-letters it, keeping the
 *   reason and description (the SDK's `DeadLetterReason`/`DeadLetterErrorDescription` error info, else
 *   the error's condition and description) as application properties; released makes it available
 *   again; a receiver that goes away unlocks what it held, as an abandon;
 * - `$management`: renew-lock, renew-session-lock, peek-message, get/set-session-state; any other
 *   operation is answered 501 so a test that needs it fails with a message naming it.
 *
 * What it leaves out: locks never expire (a renewal only moves the reported time), message TTL,
 * scheduled messages, receiving deferred messages, duplicate detection, topics, transactions, and
 * case-insensitive entity names.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo, Server, Socket } from 'node:net';
import {
  create_container,
  message as amqpMessage,
  types,
  type AmqpError,
  type Connection,
  type Container,
  type Delivery,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
} from 'rhea';

export interface TestQueueOptions {
  /** Messages need a session id, and are received through session receivers (default true). */
  requiresSession?: boolean;
  /** Deliveries after which an abandoned message is dead-lettered (Service Bus default: 10). */
  maxDeliveryCount?: number;
  /** The lock duration reported to receivers (Service Bus default: 60 s). */
  lockDurationMs?: number;
}

export interface AmqpTestBrokerOptions {
  /** Largest transfer a sender link accepts, advertised on its attach (Service Bus Standard: 256 KiB). */
  maxMessageSize?: number;
  /** Longest a next-available-session request waits; by default just under what the client asked for. */
  sessionWaitMs?: number;
}

/** A message as the broker holds it, for assertions. */
export interface BrokerMessage {
  sequenceNumber: number;
  sessionId: string | undefined;
  messageId: unknown;
  contentType: string | undefined;
  /** The body as JSON when it is JSON, else its text or value. */
  body: unknown;
  /** Deliveries that ended without the message being completed. */
  deliveryCount: number;
  locked: boolean;
  applicationProperties: Record<string, unknown>;
}

const BATCH_FORMAT = 0x80013700;
const SESSION_FILTER = 'com.microsoft:session-filter';
const CLIENT_TIMEOUT = 'com.microsoft:timeout';
const DEAD_LETTER_SUFFIX = '/$DeadLetterQueue';
const MANAGEMENT_SUFFIX = '/$management';
/** .NET ticks (100 ns since 0001-01-01) at the Unix epoch: Service Bus reports session locks in ticks. */
const TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000n;

interface StoredMessage {
  sequenceNumber: number;
  message: Message;
  sessionId: string | undefined;
  deliveryCount: number;
  enqueuedAt: Date;
  deferred: boolean;
  lock?: { token: Buffer; link: Sender; lockedUntil: Date };
}

interface Entity {
  name: string;
  requiresSession: boolean;
  maxDeliveryCount: number;
  lockDurationMs: number;
  deadLetter: Entity | undefined;
  messages: StoredMessage[];
  /** Session id → the receiver link holding its lock. */
  owners: Map<string, Sender>;
  sessionLockedUntil: Map<string, Date>;
  sessionState: Map<string, Buffer>;
  /** Messages per transfer received, in order (a batch is one transfer). */
  transfers: number[];
}

type Outcome = 'accepted' | 'released' | 'modified' | 'rejected';

/** A receiver link of a client: the broker's sender link, its entity and (session receivers) session. */
interface Consumer {
  entity: Entity;
  sessionId: string | undefined;
}

interface SessionWaiter {
  link: Sender;
  entity: Entity;
  timer: NodeJS.Timeout;
}

/**
 * The rhea internals the broker needs: the attach frame it is about to send (link properties and the
 * max message size are set there), holding a session receiver's attach back until a session is free
 * (rhea answers an attach as soon as it arrives), and flushing a drain reply.
 */
interface LinkInternals {
  local: { attach: { properties?: unknown; max_message_size?: number; snd_settle_mode?: number; rcv_settle_mode?: number } };
  state: { local_open: boolean; open_requests: number };
  connection: { _register(): void };
  session: { _write_flow(link: unknown): void };
  credit: number;
  _draining: boolean;
}
const internals = (link: Sender | Receiver) => link as unknown as LinkInternals;

function ticks(date: Date) {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(date.getTime()) * 10_000n + TICKS_AT_UNIX_EPOCH);
  return types.wrap_long(bytes);
}

function longValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE());
  throw new Error(`expected an AMQP long, got ${String(value)}`);
}

/** The lock token string the SDK shows is the delivery tag in .NET GUID byte order; management requests carry that form. */
function guidOrder(tag: Buffer): Buffer {
  return Buffer.from([tag[3], tag[2], tag[1], tag[0], tag[5], tag[4], tag[7], tag[6], ...tag.subarray(8)] as number[]);
}

const decode = (encoded: Buffer) => amqpMessage.decode(encoded) as unknown as Message;

function bodyOf(message: Message): unknown {
  const body: unknown = message.body;
  const section = body as { typecode?: number; content?: unknown; multiple?: boolean } | undefined;
  if (section?.typecode === 0x75 && Buffer.isBuffer(section.content)) {
    const text = section.content.toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return section?.typecode !== undefined ? section.content : body;
}

export class AmqpTestBroker {
  /** Errors raised while the broker handled frames (a bug in the double, or a client it cannot serve). */
  readonly errors: unknown[] = [];
  private readonly entities = new Map<string, Entity>();
  private readonly consumers = new Map<Sender, Consumer>();
  private readonly requestLinks = new Map<Receiver, Entity | 'cbs'>();
  private readonly waiters: SessionWaiter[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly watchers: { holds: () => boolean; resolve: () => void }[] = [];
  /** Unsettled deliveries: the message each one locked, and with which lock token. */
  private readonly locks = new Map<Delivery, { entity: Entity; stored: StoredMessage; token: Buffer }>();
  /** Receivers whose last sends rhea has not written yet (see pump). */
  private readonly pumping = new Set<Sender>();
  /** Receivers that asked to drain and have not been answered yet. */
  private readonly drainRequests = new Set<Sender>();
  private sequence = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: Required<Pick<AmqpTestBrokerOptions, 'maxMessageSize'>> & AmqpTestBrokerOptions,
  ) {}

  static async start(options: AmqpTestBrokerOptions = {}): Promise<AmqpTestBroker> {
    // Settlement is the broker's: no automatic accept, and modified (abandon, defer) kept apart from released.
    const container = create_container({ id: 'amqp-test-broker', autoaccept: false, treat_modified_as_released: false });
    const server = container.listen({ port: 0, host: 'localhost' });
    const broker = new AmqpTestBroker(server, { ...options, maxMessageSize: options.maxMessageSize ?? 256 * 1024 });
    broker.listenTo(container);
    server.on('connection', (socket: Socket) => {
      broker.sockets.add(socket);
      socket.on('close', () => broker.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return broker;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** What a client passes to `new ServiceBusClient(...)`: the SDK's emulator switch makes it plain AMQP on this port. */
  get connectionString(): string {
    return `Endpoint=sb://localhost:${this.port};SharedAccessKeyName=test;SharedAccessKey=test;UseDevelopmentEmulator=true`;
  }

  createQueue(name: string, options: TestQueueOptions = {}): void {
    if (this.entities.has(name)) throw new Error(`The test broker already has a queue '${name}'.`);
    const entity = (entityName: string, requiresSession: boolean, maxDeliveryCount: number, deadLetter?: Entity): Entity => ({
      name: entityName,
      requiresSession,
      maxDeliveryCount,
      lockDurationMs: options.lockDurationMs ?? 60_000,
      deadLetter,
      messages: [],
      owners: new Map(),
      sessionLockedUntil: new Map(),
      sessionState: new Map(),
      transfers: [],
    });
    // A dead-letter queue has no sessions and never dead-letters further.
    const deadLetter = entity(`${name}${DEAD_LETTER_SUFFIX}`, false, Number.POSITIVE_INFINITY);
    this.entities.set(deadLetter.name, deadLetter);
    this.entities.set(name, entity(name, options.requiresSession ?? true, options.maxDeliveryCount ?? 10, deadLetter));
  }

  /** Messages waiting or locked in a queue or a dead-letter queue (`<queue>/$DeadLetterQueue`), oldest first. */
  messages(entityName: string): BrokerMessage[] {
    return this.entity(entityName).messages.map((stored) => ({
      sequenceNumber: stored.sequenceNumber,
      sessionId: stored.sessionId,
      messageId: stored.message.message_id,
      contentType: stored.message.content_type,
      body: bodyOf(stored.message),
      deliveryCount: stored.deliveryCount,
      locked: stored.lock !== undefined,
      applicationProperties: { ...(stored.message.application_properties ?? {}) },
    }));
  }

  /** The number of messages in each transfer a queue received, in order (one number per send or batch). */
  transfers(entityName: string): number[] {
    return [...this.entity(entityName).transfers];
  }

  /** The name of the receiver link (as the client named it) holding a session's lock, if any. */
  sessionOwner(queueName: string, sessionId: string): string | undefined {
    return this.entity(queueName).owners.get(sessionId)?.name;
  }

  /** Resolves once the entity holds no message, neither waiting nor locked (dead letters are elsewhere). */
  whenDrained(entityName: string): Promise<void> {
    const entity = this.entity(entityName);
    return this.until(() => entity.messages.length === 0);
  }

  /** Resolves once a request for the next available session of the queue is waiting for one. */
  whenSessionRequested(queueName: string): Promise<void> {
    const entity = this.entity(queueName);
    return this.until(() => this.waiters.some((w) => w.entity === entity));
  }

  private until(holds: () => boolean): Promise<void> {
    if (holds()) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ holds, resolve }));
  }

  private notifyWatchers(): void {
    for (const watcher of [...this.watchers]) {
      if (!watcher.holds()) continue;
      this.watchers.splice(this.watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters.splice(0)) clearTimeout(waiter.timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private entity(name: string): Entity {
    const entity = this.entities.get(name);
    if (!entity) throw new Error(`The test broker has no entity '${name}'; declare queues with createQueue (known: ${[...this.entities.keys()].join(', ')}).`);
    return entity;
  }

  private listenTo(container: Container): void {
    container.on('sender_open', (context: EventContext) => this.onReceiverAttach(context.sender as Sender));
    container.on('receiver_open', (context: EventContext) => this.onSenderAttach(context.receiver as Receiver));
    container.on('message', (context: EventContext) => this.onTransfer(context));
    container.on('sendable', (context: EventContext) => this.pump(context.sender as Sender));
    container.on('sender_draining', (context: EventContext) => {
      this.drainRequests.add(context.sender as Sender);
      this.pump(context.sender as Sender);
    });
    container.on('accepted', (context: EventContext) => this.settle(context.delivery as Delivery, 'accepted', (stored, entity) => this.remove(entity, stored)));
    container.on('released', (context: EventContext) => this.settle(context.delivery as Delivery, 'released', (stored, entity) => this.unlock(entity, stored, false)));
    container.on('modified', (context: EventContext) => this.onModified(context.delivery as Delivery));
    container.on('rejected', (context: EventContext) => this.onRejected(context.delivery as Delivery));
    container.on('sender_close', (context: EventContext) => this.dropLink(context.sender as Sender));
    container.on('receiver_close', (context: EventContext) => this.requestLinks.delete(context.receiver as Receiver));
    container.on('disconnected', (context: EventContext) => this.dropConnection(context.connection));
    container.on('connection_close', (context: EventContext) => {
      // A client that closes its connection with a next-session request held would wait out its own
      // timeout for the answer (the service leaves it unanswered); the double answers it first, so a
      // test's client closes promptly.
      for (const waiter of [...this.waiters]) if (waiter.link.connection === context.connection) this.endWait(waiter);
      this.dropConnection(context.connection);
    });
    // Errors a client closes its links or connection with are its business; the broker only cleans up.
    container.on('sender_error', () => undefined);
    container.on('receiver_error', () => undefined);
    container.on('connection_error', () => undefined);
    // rhea reports here what went wrong inside a handler above (it then drops the connection).
    container.on('error', (error: unknown) => this.errors.push(error));
    container.on('protocol_error', (error: unknown) => this.errors.push(error));
  }

  // ---- links --------------------------------------------------------------------------------

  /** A client's sender: to a queue, or the request half of `$cbs` / `<entity>/$management`. */
  private onSenderAttach(link: Receiver): void {
    const address = (link.target as { address?: string } | undefined)?.address ?? '';
    link.set_target({ address });
    if (address === '$cbs') {
      this.requestLinks.set(link, 'cbs');
      return;
    }
    if (address.endsWith(MANAGEMENT_SUFFIX)) {
      const entity = this.entities.get(address.slice(0, -MANAGEMENT_SUFFIX.length));
      if (!entity) return this.refuse(link, address);
      this.requestLinks.set(link, entity);
      return;
    }
    if (!this.entities.has(address)) return this.refuse(link, address);
    internals(link).local.attach.max_message_size = this.options.maxMessageSize;
  }

  /** A client's receiver: from a queue (plain or session), or the reply half of `$cbs` / `$management`. */
  private onReceiverAttach(link: Sender): void {
    const source = (link.source ?? {}) as { address?: string; filter?: Record<string, unknown> | null };
    const address = source.address ?? '';
    if (address === '$cbs' || address.endsWith(MANAGEMENT_SUFFIX)) {
      link.set_source({ address });
      link.set_target({ address: (link.target as { address?: string } | undefined)?.address ?? link.name });
      return;
    }
    const entity = this.entities.get(address);
    if (!entity) return this.refuse(link, address);
    const filter = source.filter ?? undefined;
    const wantsSession = filter !== undefined && SESSION_FILTER in filter;
    if (!wantsSession) {
      if (entity.requiresSession) {
        return this.refuse(link, address, 'amqp:not-allowed', `The queue '${address}' requires sessions: receive from it with acceptSession or acceptNextSession.`);
      }
      link.set_source({ address });
      this.consume(link, entity, undefined);
      return;
    }
    if (!entity.requiresSession) {
      return this.refuse(link, address, 'amqp:not-allowed', `The queue '${address}' has no sessions: receive from it with createReceiver.`);
    }
    const requested = filter[SESSION_FILTER];
    if (typeof requested === 'string') {
      const owner = entity.owners.get(requested);
      if (owner && owner !== link) {
        link.set_source({ address });
        return link.close({ condition: 'com.microsoft:session-cannot-be-locked', description: `The session '${requested}' is locked by another receiver.` });
      }
      return this.grantSession(link, entity, requested, false);
    }
    const available = this.nextAvailableSession(entity);
    if (available !== undefined) return this.grantSession(link, entity, available, false);
    // No session is free: hold the attach back (rhea has already queued it) until one is, as the service does.
    const state = internals(link).state;
    state.local_open = false;
    state.open_requests = 0;
    // Answered a little before the client's own timeout runs out, as the service does.
    const asked = Number((link.properties as Record<string, unknown> | undefined)?.[CLIENT_TIMEOUT] ?? 60_000);
    const waitMs = Math.min(this.options.sessionWaitMs ?? Number.POSITIVE_INFINITY, asked * 0.9);
    const waiter: SessionWaiter = { link, entity, timer: setTimeout(() => this.endWait(waiter), waitMs) };
    this.waiters.push(waiter);
    this.notifyWatchers();
  }

  /** Answers a held next-session request as the service does when none frees up: attached without a session, then detached. */
  private endWait(waiter: SessionWaiter): void {
    clearTimeout(waiter.timer);
    this.waiters.splice(this.waiters.indexOf(waiter), 1);
    waiter.link.set_source({ address: waiter.entity.name });
    waiter.link.open();
    waiter.link.close({ condition: 'com.microsoft:timeout', description: `No session of '${waiter.entity.name}' became available in time.` });
  }

  private refuse(link: Sender | Receiver, address: string, condition = 'amqp:not-found', description = `The messaging entity '${address}' could not be found on the test broker; declare it with createQueue.`): void {
    link.close({ condition, description });
  }

  private nextAvailableSession(entity: Entity): string | undefined {
    return entity.messages.find((m) => m.sessionId !== undefined && !m.lock && !m.deferred && !entity.owners.has(m.sessionId))?.sessionId;
  }

  private grantSession(link: Sender, entity: Entity, sessionId: string, held: boolean): void {
    entity.owners.set(sessionId, link);
    const lockedUntil = new Date(Date.now() + entity.lockDurationMs);
    entity.sessionLockedUntil.set(sessionId, lockedUntil);
    link.set_source({ address: entity.name, filter: { [SESSION_FILTER]: sessionId } });
    internals(link).local.attach.properties = { 'com.microsoft:locked-until-utc': ticks(lockedUntil) };
    this.consume(link, entity, sessionId);
    if (held) link.open();
  }

  /** The broker's end of a receiver settles as the client asked: presettled (receiveAndDelete) or not (peekLock). */
  private consume(link: Sender, entity: Entity, sessionId: string | undefined): void {
    const attach = internals(link).local.attach;
    attach.snd_settle_mode = link.snd_settle_mode;
    attach.rcv_settle_mode = link.rcv_settle_mode;
    this.consumers.set(link, { entity, sessionId });
  }

  /** Hands freed or newly filled sessions to receivers waiting for the next available one. */
  private serveWaiters(entity: Entity): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.entity !== entity) continue;
      const sessionId = this.nextAvailableSession(entity);
      if (sessionId === undefined) return;
      clearTimeout(waiter.timer);
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      this.grantSession(waiter.link, entity, sessionId, true);
    }
  }

  /** A receiver went away: what it held locked is abandoned, its session freed. */
  private dropLink(link: Sender): void {
    this.drainRequests.delete(link);
    const waiting = this.waiters.findIndex((w) => w.link === link);
    if (waiting >= 0) {
      clearTimeout(this.waiters[waiting]?.timer);
      this.waiters.splice(waiting, 1);
    }
    const consumer = this.consumers.get(link);
    if (!consumer) return;
    this.consumers.delete(link);
    const { entity } = consumer;
    for (const stored of entity.messages.filter((m) => m.lock?.link === link)) this.unlock(entity, stored, true);
    if (consumer.sessionId !== undefined && entity.owners.get(consumer.sessionId) === link) entity.owners.delete(consumer.sessionId);
    this.changed(entity);
  }

  private dropConnection(connection: Connection): void {
    for (const link of [...this.consumers.keys()]) if (link.connection === connection) this.dropLink(link);
    for (const waiter of [...this.waiters]) if (waiter.link.connection === connection) this.dropLink(waiter.link);
    for (const link of [...this.requestLinks.keys()]) if (link.connection === connection) this.requestLinks.delete(link);
  }

  // ---- sending to the broker ------------------------------------------------------------------

  private onTransfer(context: EventContext): void {
    const link = context.receiver as Receiver;
    const delivery = context.delivery as Delivery;
    const request = this.requestLinks.get(link);
    if (request !== undefined) {
      delivery.accept();
      return this.answer(link.connection, request, context.message as Message);
    }
    const address = (link.target as { address?: string } | undefined)?.address ?? '';
    const entity = this.entities.get(address);
    if (!entity) return delivery.reject({ condition: 'amqp:not-found', description: `No entity '${address}'.` });
    const { messages, size } = this.unpack(context);
    if (size > this.options.maxMessageSize) {
      return delivery.reject({ condition: 'amqp:link:message-size-exceeded', description: `The transfer is ${size} bytes; the limit is ${this.options.maxMessageSize}.` });
    }
    if (entity.requiresSession && messages.some((m) => typeof m.group_id !== 'string')) {
      return delivery.reject({ condition: 'amqp:not-allowed', description: `The queue '${entity.name}' requires sessions: every message needs a session id.` });
    }
    for (const message of messages) this.enqueue(entity, message, typeof message.group_id === 'string' ? message.group_id : undefined);
    entity.transfers.push(messages.length);
    delivery.accept();
    this.changed(entity);
  }

  /** One message, or the messages of a batch (each data section of the envelope is an encoded message). */
  private unpack(context: EventContext): { messages: Message[]; size: number } {
    const format = (context.delivery as Delivery).format;
    if (format === BATCH_FORMAT) {
      const raw = context.message as unknown as Buffer;
      const envelope = decode(raw);
      const section = envelope.body as { content: Buffer | Buffer[]; multiple?: boolean };
      const parts = section.multiple ? (section.content as Buffer[]) : [section.content as Buffer];
      return { messages: parts.map(decode), size: raw.length };
    }
    const message = context.message as Message;
    return { messages: [message], size: amqpMessage.encode(message).length };
  }

  private enqueue(entity: Entity, message: Message, sessionId: string | undefined, deliveryCount = 0): void {
    // The service gives a message without an id one; the SDK's lock renewal relies on it.
    if (message.message_id === undefined || message.message_id === null) message.message_id = randomUUID().replaceAll('-', '');
    entity.messages.push({ sequenceNumber: ++this.sequence, message, sessionId, deliveryCount, enqueuedAt: new Date(), deferred: false });
  }

  // ---- delivering -------------------------------------------------------------------------

  /** After any change: free sessions go to waiting receivers, messages to receivers with credit. */
  private changed(entity: Entity): void {
    this.serveWaiters(entity);
    for (const [link, consumer] of this.consumers) if (consumer.entity === entity) this.pump(link);
    this.notifyWatchers();
  }

  /**
   * Sends a receiver as many messages as it has credit for. rhea counts credit down only when it writes
   * the transfers (on the next tick), so after sending, the next pass waits until that happened.
   */
  private pump(link: Sender): void {
    const consumer = this.consumers.get(link);
    if (!consumer || !link.is_open() || this.pumping.has(link)) return;
    const { entity, sessionId } = consumer;
    const state = internals(link);
    let sent = 0;
    while (sent < state.credit) {
      const next = entity.messages.find((m) => !m.lock && !m.deferred && (sessionId === undefined ? !entity.requiresSession : m.sessionId === sessionId));
      if (!next) break;
      this.deliver(link, entity, next);
      sent++;
    }
    if (sent > 0) {
      this.pumping.add(link);
      setImmediate(() => {
        this.pumping.delete(link);
        this.pump(link);
      });
    } else if (state._draining && this.drainRequests.has(link)) {
      this.answerDrain(link);
    }
  }

  /**
   * Tells a receiver that asked to drain that its credit is used up, which ends its receiveMessages
   * call. rhea does so only while credit is left (it uses up the rest); when the transfers just sent used
   * it up, rhea sends nothing, but the service still answers, and the SDK waits for that answer: after
   * 200 ms without one it closes the link, and with it the lock of the message it just received, which
   * is then delivered again while the first delivery is still being handled.
   */
  private answerDrain(link: Sender): void {
    this.drainRequests.delete(link);
    const state = internals(link);
    if (state.credit > 0) link.set_drained(true);
    else state.session._write_flow(Object.assign(Object.create(link) as object, { _get_drain: () => true }));
    state.connection._register();
  }

  private deliver(link: Sender, entity: Entity, stored: StoredMessage): void {
    const token = randomBytes(16);
    const lockedUntil = stored.sessionId !== undefined ? (entity.sessionLockedUntil.get(stored.sessionId) ?? new Date()) : new Date(Date.now() + entity.lockDurationMs);
    const delivery = link.send(this.outgoing(stored, lockedUntil), token);
    if (delivery.settled) {
      // receiveAndDelete: the message is gone as it leaves.
      this.remove(entity, stored);
      return;
    }
    stored.lock = { token, link, lockedUntil };
    this.locks.set(delivery, { entity, stored, token });
  }

  private outgoing(stored: StoredMessage, lockedUntil?: Date): Message {
    return {
      ...stored.message,
      delivery_count: stored.deliveryCount,
      message_annotations: {
        ...(stored.message.message_annotations ?? {}),
        'x-opt-sequence-number': types.wrap_long(stored.sequenceNumber),
        'x-opt-enqueued-time': stored.enqueuedAt,
        ...(lockedUntil ? { 'x-opt-locked-until': lockedUntil } : {}),
      },
    };
  }

  // ---- settlement -------------------------------------------------------------------------

  private settle(delivery: Delivery, outcome: Outcome, apply: (stored: StoredMessage, entity: Entity) => void): void {
    const held = this.locks.get(delivery);
    this.locks.delete(delivery);
    // The outcome is confirmed without an error (a rejection's error is the receiver's dead-letter reason):
    // the SDK takes an error in the broker's state as a failed settlement.
    delivery.update(true, (amqpMessage as unknown as Record<Outcome, () => { described(): unknown }>)[outcome]().described());
    // A lock the receiver lost (it went away) is not settled by a late outcome.
    if (!held || held.stored.lock?.token !== held.token) return;
    held.stored.lock = undefined;
    apply(held.stored, held.entity);
    this.changed(held.entity);
  }

  private onModified(delivery: Delivery): void {
    const state = delivery.remote_state as { undeliverable_here?: boolean } | undefined;
    this.settle(delivery, 'modified', (stored, entity) => {
      if (state?.undeliverable_here) stored.deferred = true;
      else this.unlock(entity, stored, true);
    });
  }

  private onRejected(delivery: Delivery): void {
    const error = (delivery.remote_state as { error?: AmqpError & { info?: Record<string, unknown> } } | undefined)?.error;
    this.settle(delivery, 'rejected', (stored, entity) => {
      const { DeadLetterReason, DeadLetterErrorDescription, ...modified } = error?.info ?? {};
      this.deadLetter(entity, stored, String(DeadLetterReason ?? error?.condition ?? ''), String(DeadLetterErrorDescription ?? error?.description ?? ''), modified);
    });
  }

  /** Makes a locked message available again; a failed delivery counts towards maxDeliveryCount. */
  private unlock(entity: Entity, stored: StoredMessage, failed: boolean): void {
    stored.lock = undefined;
    if (!failed) return;
    stored.deliveryCount++;
    if (stored.deliveryCount >= entity.maxDeliveryCount) {
      this.deadLetter(entity, stored, 'MaxDeliveryCountExceeded', `Message could not be consumed after ${entity.maxDeliveryCount} delivery attempts.`);
    }
  }

  private deadLetter(entity: Entity, stored: StoredMessage, reason: string, description: string, modified: Record<string, unknown> = {}): void {
    this.remove(entity, stored);
    const target = entity.deadLetter;
    if (!target) return;
    const message: Message = {
      ...stored.message,
      application_properties: { ...(stored.message.application_properties ?? {}), ...modified, DeadLetterReason: reason, DeadLetterErrorDescription: description },
      message_annotations: { ...(stored.message.message_annotations ?? {}), 'x-opt-deadletter-source': entity.name },
    };
    this.enqueue(target, message, stored.sessionId, stored.deliveryCount);
    this.changed(target);
  }

  private remove(entity: Entity, stored: StoredMessage): void {
    const index = entity.messages.indexOf(stored);
    if (index >= 0) entity.messages.splice(index, 1);
  }

  // ---- $cbs and $management ---------------------------------------------------------------

  private answer(connection: Connection, target: Entity | 'cbs', request: Message): void {
    const replyTo = request.reply_to;
    const reply = connection.find_sender((l: Sender) => l.name === replyTo || (l.target as { address?: string } | undefined)?.address === replyTo);
    if (!reply) return;
    if (target === 'cbs') {
      // Any token is good: the double checks no credentials.
      reply.send({ correlation_id: request.message_id, application_properties: { 'status-code': 202, 'status-description': 'Accepted' }, body: null });
      return;
    }
    const operation = String(request.application_properties?.['operation'] ?? '');
    let response: { status: number; description?: string; condition?: string; body?: unknown };
    try {
      response = this.manage(target, operation, (request.body ?? {}) as Record<string, unknown>, connection);
    } catch (error) {
      response = { status: 500, description: error instanceof Error ? error.message : String(error), condition: 'amqp:internal-error' };
    }
    reply.send({
      correlation_id: request.message_id,
      application_properties: { statusCode: response.status, statusDescription: response.description ?? 'OK', ...(response.condition ? { errorCondition: response.condition } : {}) },
      body: response.body,
    });
  }

  private manage(entity: Entity, operation: string, body: Record<string, unknown>, connection: Connection): { status: number; description?: string; condition?: string; body?: unknown } {
    const sessionId = typeof body['session-id'] === 'string' ? body['session-id'] : undefined;
    const ownSession = () => {
      const owner = sessionId === undefined ? undefined : entity.owners.get(sessionId);
      return owner !== undefined && owner.connection === connection;
    };
    const sessionLockLost = { status: 410, condition: 'com.microsoft:session-lock-lost', description: `The session lock on '${sessionId}' is not held by this client.` };
    switch (operation) {
      case 'com.microsoft:renew-session-lock': {
        if (sessionId === undefined || !ownSession()) return sessionLockLost;
        const expiration = new Date(Date.now() + entity.lockDurationMs);
        entity.sessionLockedUntil.set(sessionId, expiration);
        return { status: 200, body: { expiration } };
      }
      case 'com.microsoft:renew-lock': {
        const tokens = (body['lock-tokens'] ?? []) as Buffer[];
        const expirations = tokens.map((token) => {
          const stored = entity.messages.find((m) => m.lock && guidOrder(m.lock.token).equals(Buffer.from(token)));
          if (!stored?.lock) throw new Error('The lock on the message is lost (no locked message has that lock token).');
          stored.lock.lockedUntil = new Date(Date.now() + entity.lockDurationMs);
          return stored.lock.lockedUntil;
        });
        return { status: 200, body: { expirations } };
      }
      case 'com.microsoft:peek-message': {
        const from = longValue(body['from-sequence-number'] ?? 0);
        const count = Number(body['message-count'] ?? 1);
        const peeked = entity.messages.filter((m) => m.sequenceNumber >= from && (sessionId === undefined || m.sessionId === sessionId)).slice(0, count);
        if (peeked.length === 0) return { status: 204, description: 'No messages' };
        return { status: 200, body: { messages: peeked.map((m) => ({ message: amqpMessage.encode(this.outgoing(m)) })) } };
      }
      case 'com.microsoft:get-session-state':
        if (sessionId === undefined || !ownSession()) return sessionLockLost;
        return { status: 200, body: { 'session-state': entity.sessionState.get(sessionId) ?? null } };
      case 'com.microsoft:set-session-state': {
        if (sessionId === undefined || !ownSession()) return sessionLockLost;
        const state = body['session-state'];
        if (Buffer.isBuffer(state)) entity.sessionState.set(sessionId, state);
        else entity.sessionState.delete(sessionId);
        return { status: 200 };
      }
      default:
        return { status: 501, condition: 'amqp:not-implemented', description: `The test broker does not implement the management operation '${operation}'.` };
    }
  }
}
