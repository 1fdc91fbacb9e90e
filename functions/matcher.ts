import { app, type InvocationContext, type ServiceBusQueueFunctionOptions } from '@azure/functions';
import { handleMatchMessage } from '../shared/adapters/azure/matchMessage';
import { AZURE_SETTINGS } from '../shared/hosting/azureConfig';
import { durableClientInput } from './durableClientInput';
import { invocationPorts } from './invocationPorts';

/**
 * A match message that can never be run. Throwing it fails the delivery; Service Bus redelivers the
 * message until its queue's maxDeliveryCount and then dead-letters it (MaxDeliveryCountExceeded).
 * The reason is in this error, which the host logs with the message id for every failed delivery
 * (docs/adr/0010-service-bus-matcher.md says why it is not the dead-letter reason yet).
 */
export class PoisonMatchMessageError extends Error {
  constructor(
    readonly reason: string,
    readonly messageId: string,
  ) {
    super(`Match message ${messageId} cannot be run: ${reason}. It is dead-lettered once the queue's maxDeliveryCount is reached.`);
    this.name = 'PoisonMatchMessageError';
  }
}

/**
 * The Service Bus matcher: runs matching for the router queue a message names. The trigger is
 * session-enabled and the session is the router queue, so one queue is matched on one instance at a
 * time; redelivery (a crash before completion, a lost lock) is harmless because matching is idempotent.
 */
export async function matcher(message: unknown, context: InvocationContext): Promise<void> {
  const outcome = await handleMatchMessage(await invocationPorts(context), message);
  if (outcome.outcome === 'poison') {
    const { messageId, deliveryCount } = context.triggerMetadata ?? {};
    const id = typeof messageId === 'string' ? messageId : '(no id)';
    context.error(`Poison match message ${id} (delivery ${Number(deliveryCount)}): ${outcome.reason}`);
    throw new PoisonMatchMessageError(outcome.reason, id);
  }
  context.debug(`Matched queue '${outcome.request.queueId}': ${outcome.offers} offer(s) issued.`);
}

/**
 * The registration, so that what it binds is said in one place. The connection setting is shared
 * with the producer: a connection string locally, or `JOBROUTER_SERVICEBUS__fullyQualifiedNamespace`
 * with the app's identity when deployed. The queue is the producer's (matchQueueName).
 */
export function matcherOptions(queueName: string): ServiceBusQueueFunctionOptions {
  return {
    connection: AZURE_SETTINGS.serviceBus.name,
    queueName,
    isSessionsEnabled: true,
    // Offers schedule their expiry timers through the invocation's Durable client.
    extraInputs: [durableClientInput],
    handler: matcher,
  };
}

export function registerMatcher(queueName: string): void {
  app.serviceBusQueue('matcher', matcherOptions(queueName));
}
