import { app, type InvocationContext, type ServiceBusQueueFunctionOptions } from '@azure/functions';
import { handleMatchMessage } from '../shared/adapters/azure/matchMessage';
import { AZURE_SETTINGS } from '../shared/hosting/azureConfig';
import { durableClientInput } from './durableClientInput';
import { invocationPorts } from './invocationPorts';

/**
 * The Service Bus matcher: runs matching for the router queue a message names. The trigger is
 * session-enabled and the session is the router queue, so one queue is matched on one instance at a
 * time; redelivery (a crash before completion, a lost lock) is harmless because matching is idempotent.
 */
export async function matcher(message: unknown, context: InvocationContext): Promise<void> {
  const outcome = await handleMatchMessage(await invocationPorts(context), message);
  if (outcome.outcome === 'poison') {
    // Returning completes it: a redelivery cannot fix a body, and each one would hold the session's
    // other requests back. This line, tied to the invocation, is the message's record (ADR 10).
    context.error(`Poison match message ${poisonRecord(message, context)}: ${outcome.reason}. It was completed, not retried.`);
    return;
  }
  context.debug(`Matched queue '${outcome.request.queueId}': ${outcome.offers} offer(s) issued.`);
}

/** What the Application Insights trace keeps of a message that was not run: its ids and the start of its body. */
export const POISON_BODY_EXCERPT = 512;

function poisonRecord(message: unknown, context: InvocationContext): string {
  const { messageId, deliveryCount, sessionId } = context.triggerMetadata ?? {};
  const raw = message instanceof Uint8Array ? Buffer.from(message).toString('utf8') : typeof message === 'string' ? message : JSON.stringify(message) ?? String(message);
  const excerpt = raw.length > POISON_BODY_EXCERPT ? `${raw.slice(0, POISON_BODY_EXCERPT)}…` : raw;
  return `${typeof messageId === 'string' ? messageId : '(no id)'} (session ${String(sessionId)}, delivery ${Number(deliveryCount)}, body ${JSON.stringify(excerpt)})`;
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
