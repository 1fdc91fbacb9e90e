import { jobEvents } from '../domain/routing/routerEvents';
import { jobRouting } from '../domain/routing/routingState';
import type { RouterPorts } from '../ports/RouterPorts';
import { StoreConflictError } from '../ports/Store';
import { openAssignments, releaseJobHoldings } from './cancelJob';
import { eventContext, publish, readJob } from './routingDocuments';
import { settleTimer } from './settleAssignment';

const MAX_ATTEMPTS = 8;

/** DELETE of a job: gone with all its traces; its offers are revoked and its worker's capacity released. */
export async function deleteJob(ports: RouterPorts, jobId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await readJob(ports, jobId);
    if (!current) return;
    const job = current.body;
    const assignments = openAssignments(job);
    for (const ref of assignments) await ports.scheduler.schedule(settleTimer(ref, ports.clock.now()));
    try {
      await ports.store.delete('jobs', jobId, current.etag);
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      continue;
    }
    await publish(ports, [jobEvents.deleted(eventContext(ports), job)]);
    await releaseJobHoldings(ports, job, jobRouting(job).offers, assignments);
    return;
  }
}
