import type { InvocationContext } from '@azure/functions';
import type { RouterPorts } from '../shared/ports/RouterPorts';
import { functionsRouter } from '../shared/hosting/functionsRouter';

/** The engine's ports for one function invocation (see shared/hosting/createAzureEngine). */
export function invocationPorts(_context: InvocationContext): RouterPorts {
  return functionsRouter().ports;
}
