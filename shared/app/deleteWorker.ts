import { workerEvents } from '../domain/routing/routerEvents';
import type { RouterPorts } from '../ports/RouterPorts';
import { StoreConflictError } from '../ports/Store';
import { revokeFromJobs } from './offerEnds';
import { eventContext, publish, readWorker } from './routingDocuments';

const MAX_ATTEMPTS = 8;

/**
 * DELETE of a worker: its open offers are revoked and their jobs matched again. Jobs it was assigned
 * stay assigned (the docs do not say otherwise): they can still be completed and closed.
 */
export async function deleteWorker(ports: RouterPorts, workerId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await readWorker(ports, workerId);
    if (!current) return;
    try {
      await ports.store.delete('workers', workerId, current.etag);
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      continue;
    }
    await publish(ports, [workerEvents.deleted(eventContext(ports), workerId)]);
    await revokeFromJobs(ports, workerId, current.body.offers);
    return;
  }
}
