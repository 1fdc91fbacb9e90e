import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { DurableScheduler } from '../shared/adapters/azure/DurableScheduler';
import { functionsHost, type FunctionsHost } from '../shared/hosting/functionsHost';
import type { RouterPorts } from '../shared/ports/RouterPorts';
import { invocationLogger } from './invocationLogger';

/**
 * The engine's ports for one function invocation. In Azure mode timers go through this invocation's
 * Durable client binding (every registration lists `durableClientInput`); logs go through its context.
 */
export async function invocationPorts(context: InvocationContext, host?: FunctionsHost): Promise<RouterPorts> {
  const composed = host ?? (await functionsHost());
  return composed.ports({ scheduler: () => new DurableScheduler(df.getClient(context)), logger: invocationLogger(context, composed.logLevel) });
}
