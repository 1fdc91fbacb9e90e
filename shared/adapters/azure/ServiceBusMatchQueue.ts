import { createHash, randomUUID } from 'node:crypto';
import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient, type ServiceBusMessage, type ServiceBusMessageBatch, type ServiceBusSender } from '@azure/service-bus';
import { AZURE_SETTINGS, type AzureConfig } from '../../hosting/azureConfig';
import { ConfigError } from '../../hosting/config';
import type { MatchQueue, MatchRequest } from '../../ports/MatchQueue';
import { MATCH_MESSAGE_CONTENT_TYPE, matchMessageBody } from './matchMessage';

/** Service Bus caps a session id at 128 characters; a router queue id may have up to 255. */
const MAX_SESSION_ID_LENGTH = 128;

/**
 * The session a queue's requests go to: the queue id itself, or (for an id too long to be a session
 * id) its digest. Two queues sharing a session would only be matched one after the other, never wrongly.
 */
export function sessionIdFor(queueId: string): string {
  if (queueId.length <= MAX_SESSION_ID_LENGTH) return queueId;
  return `sha256:${createHash('sha256').update(queueId).digest('hex')}`;
}

export function toServiceBusMessage(request: MatchRequest): ServiceBusMessage {
  return {
    body: matchMessageBody(request),
    contentType: MATCH_MESSAGE_CONTENT_TYPE,
    sessionId: sessionIdFor(request.queueId),
    // Service Bus does not need an id, but the Functions host logs it with every failed delivery and the
    // dead-letter queue keeps it, so a poison message can be traced from one to the other.
    messageId: randomUUID(),
  };
}

/**
 * The Azure host's MatchQueue: one Service Bus message per request, in the session of its router
 * queue, so the matcher function (a session-enabled trigger) matches one queue on one instance at a
 * time. Requests are sent in batches, one series per session: a partitioned queue refuses a batch that
 * spans partitions, and the session id is the partition key.
 */
export class ServiceBusMatchQueue implements MatchQueue {
  constructor(
    private readonly sender: ServiceBusSender,
    /** A client this queue opened itself and closes with it. */
    private readonly ownClient?: ServiceBusClient,
  ) {}

  /** A queue over a client the caller owns (a test's, built from a connection string, or the host's). */
  static fromClient(client: ServiceBusClient, queueName: string): ServiceBusMatchQueue {
    return new ServiceBusMatchQueue(client.createSender(queueName));
  }

  async enqueue(requests: readonly MatchRequest[]): Promise<void> {
    const bySession = new Map<string, ServiceBusMessage[]>();
    for (const request of requests) {
      const sessionId = sessionIdFor(request.queueId);
      bySession.set(sessionId, [...(bySession.get(sessionId) ?? []), toServiceBusMessage(request)]);
    }
    await Promise.all([...bySession.values()].map((messages) => this.sendInBatches(messages)));
  }

  async close(): Promise<void> {
    await this.sender.close();
    await this.ownClient?.close();
  }

  /** Fills a batch up to the size the queue accepts, sends it when the next message does not fit, and so on. */
  private async sendInBatches(messages: readonly ServiceBusMessage[]): Promise<void> {
    let batch = await this.sender.createMessageBatch();
    for (const message of messages) {
      if (batch.tryAddMessage(message)) continue;
      if (batch.count === 0) throw this.tooLarge(message, batch);
      await this.sender.sendMessages(batch);
      batch = await this.sender.createMessageBatch();
      if (!batch.tryAddMessage(message)) throw this.tooLarge(message, batch);
    }
    if (batch.count > 0) await this.sender.sendMessages(batch);
  }

  private tooLarge(message: ServiceBusMessage, batch: ServiceBusMessageBatch): Error {
    return new Error(
      `A match request for queue session '${String(message.sessionId)}' does not fit in an empty Service Bus batch of ${batch.maxSizeInBytes} bytes; ` +
        `the queue '${this.sender.entityPath}' must accept messages of at least 1 KiB.`,
    );
  }
}

/**
 * Opens the match queue from the host's settings: with the connection string when one is set (local
 * emulators, keys), else with the app's managed identity on the namespace (DefaultAzureCredential).
 */
export function openServiceBusMatchQueue(config: AzureConfig['serviceBus']): ServiceBusMatchQueue {
  let client: ServiceBusClient;
  if (config?.connectionString) client = new ServiceBusClient(config.connectionString);
  else if (config?.namespace) client = new ServiceBusClient(config.namespace, new DefaultAzureCredential());
  else {
    throw new ConfigError(`The match queue needs ${AZURE_SETTINGS.serviceBusNamespace.name} (namespace host name, managed identity) or ${AZURE_SETTINGS.serviceBus.name} (connection string).`);
  }
  return new ServiceBusMatchQueue(client.createSender(config.queue), client);
}
