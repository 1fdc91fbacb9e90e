import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { DurableScheduler } from '../shared/adapters/azure/DurableScheduler';
import { functionsHost } from '../shared/hosting/functionsHost';
import type { RouterPorts } from '../shared/ports/RouterPorts';

/**
 * The engine's ports for one function invocation. In Azure mode timers go through this invocation's
 * Durable client binding (every registration lists `durableClientInput`).
 */
export async function invocationPorts(context: InvocationContext): Promise<RouterPorts> {
  return (await functionsHost()).ports(() => new DurableScheduler(df.getClient(context)));
}
