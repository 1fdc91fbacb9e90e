import { workerEvents } from '../domain/routing/routerEvents';
import type { EngineWorker } from '../domain/routing/routingState';
import type { RouterPorts } from '../ports/RouterPorts';
import { deleteDocument } from './mutateDocument';
import { revokeFromJobs } from './offerEnds';

/**
 * DELETE of a worker: its open offers are revoked and their jobs matched again. Jobs it was assigned
 * stay assigned (the docs do not say otherwise): they can still be completed and closed.
 */
export async function deleteWorker(ports: RouterPorts, workerId: string): Promise<void> {
  const worker = await deleteDocument<EngineWorker>(ports, 'workers', workerId, (_, context) => [workerEvents.deleted(context, workerId)]);
  if (!worker) return;
  await revokeFromJobs(ports, workerId, worker.offers);
}
