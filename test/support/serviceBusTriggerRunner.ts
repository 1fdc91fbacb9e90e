import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceBusClient, isServiceBusError, type ServiceBusReceivedMessage, type ServiceBusSessionReceiver } from '@azure/service-bus';

/**
 * What the Azure Functions host does for a session-enabled Service Bus trigger (the host itself cannot
 * be installed here), with the real @azure/service-bus client on its own connection: up to
 * `maxConcurrentSessions` sessions at a time, each accepted as the next available one, its messages
 * handled one at a time in order, a message completed when the handler returns and abandoned when it
 * throws (Service Bus then redelivers it, and dead-letters it at the queue's maxDeliveryCount), and a
 * session released once it has had no message for `sessionIdleTimeoutMs` (host.json
 * `extensions.serviceBus.sessionIdleTimeout`).
 */

/** The trigger metadata the host gives a handler (context.triggerMetadata), as far as handlers here read it. */
export interface TriggerMetadata {
  messageId: string | undefined;
  sessionId: string | undefined;
  /** Deliveries including this one, counted from 1 as the host counts them. */
  deliveryCount: number;
  contentType: string | undefined;
  enqueuedTimeUtc: Date | undefined;
}

export type TriggerHandler = (message: unknown, triggerMetadata: TriggerMetadata) => Promise<void>;

export interface ServiceBusTriggerRunnerOptions {
  connectionString: string;
  queueName: string;
  handler: TriggerHandler;
  /** Resolves once the queue holds nothing waiting or locked (the test broker's `whenDrained`). */
  whenDrained: () => Promise<void>;
  /** host.json `maxConcurrentSessions` (the host's default is 8). */
  maxConcurrentSessions?: number;
  /** host.json `sessionIdleTimeout` (default here 100 ms). */
  sessionIdleTimeoutMs?: number;
  /**
   * host.json `clientRetryOptions.tryTimeout`: how long one wait for the next available session lasts
   * (the host's default is 60 s; 1 s here, which bounds how long stop() takes).
   */
  tryTimeoutMs?: number;
}

/** A delivery the handler failed, kept for assertions. */
export interface FailedDelivery {
  message: unknown;
  triggerMetadata: TriggerMetadata;
  error: unknown;
}

/** Session receivers that found no free session before the broker's wait ran out just ask again. */
const NO_SESSION_CODES = new Set(['ServiceTimeout', 'SessionCannotBeLocked']);
/** Pause after an unexpected receive error, so a broken connection is not retried in a tight loop. */
const ERROR_PAUSE_MS = 50;

/**
 * How the host hands a body to a Node.js handler: the message's bytes as text, which @azure/functions
 * parses when it is JSON; bytes that are not UTF-8 text stay bytes.
 */
function hostBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body)) return body;
  const text = body.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(body)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return body;
}

function metadataOf(message: ServiceBusReceivedMessage): TriggerMetadata {
  return {
    messageId: message.messageId === undefined ? undefined : String(message.messageId),
    sessionId: message.sessionId,
    deliveryCount: (message.deliveryCount ?? 0) + 1,
    contentType: message.contentType,
    enqueuedTimeUtc: message.enqueuedTimeUtc,
  };
}

export class ServiceBusTriggerRunner {
  readonly failures: FailedDelivery[] = [];
  /** Errors of the runner itself (not of the handler): a test can check there were none. */
  readonly errors: unknown[] = [];
  private readonly client: ServiceBusClient;
  private readonly slots: Promise<void>[] = [];
  private stopped = false;

  private constructor(private readonly options: ServiceBusTriggerRunnerOptions) {
    this.client = new ServiceBusClient(options.connectionString, { retryOptions: { timeoutInMs: options.tryTimeoutMs ?? 1_000 } });
  }

  /** Starts taking sessions of the queue at once. */
  static start(options: ServiceBusTriggerRunnerOptions): ServiceBusTriggerRunner {
    const runner = new ServiceBusTriggerRunner(options);
    for (let slot = 0; slot < (options.maxConcurrentSessions ?? 8); slot++) runner.slots.push(runner.runSlot());
    return runner;
  }

  /** Resolves once every message sent so far (and any the handler sent in turn) has been settled. */
  idle(): Promise<void> {
    return this.options.whenDrained();
  }

  /**
   * Stops taking messages: each slot ends at its next step (a wait for a session ends within
   * `tryTimeoutMs`, a quiet session within `sessionIdleTimeoutMs`, a handler when it returns), and then
   * the connection is closed. Closing earlier would race the SDK: a close that lands while it is still
   * opening its connection is undone by the opening, and link creations it cut short wait out 60 s.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.slots);
    await this.client.close();
  }

  private async runSlot(): Promise<void> {
    while (!this.stopped) {
      let receiver: ServiceBusSessionReceiver;
      try {
        receiver = await this.client.acceptNextSession(this.options.queueName, { skipParsingBodyAsJson: true });
      } catch (error) {
        if (this.stopped || (isServiceBusError(error) && NO_SESSION_CODES.has(error.code))) continue;
        this.errors.push(error);
        await sleep(ERROR_PAUSE_MS);
        continue;
      }
      try {
        await this.runSession(receiver);
      } catch (error) {
        if (!this.stopped) this.errors.push(error);
      } finally {
        await receiver.close().catch(() => undefined);
      }
    }
  }

  private async runSession(receiver: ServiceBusSessionReceiver): Promise<void> {
    while (!this.stopped) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: this.options.sessionIdleTimeoutMs ?? 100 });
      if (!message) return;
      await this.deliver(receiver, message);
    }
  }

  private async deliver(receiver: ServiceBusSessionReceiver, message: ServiceBusReceivedMessage): Promise<void> {
    const body = hostBody(message.body);
    const triggerMetadata = metadataOf(message);
    try {
      await this.options.handler(body, triggerMetadata);
    } catch (error) {
      this.failures.push({ message: body, triggerMetadata, error });
      await receiver.abandonMessage(message);
      return;
    }
    await receiver.completeMessage(message);
  }
}
