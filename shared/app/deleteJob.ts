import { jobEvents } from '../domain/routing/routerEvents';
import { jobRouting, type EngineJob } from '../domain/routing/routingState';
import type { RouterPorts } from '../ports/RouterPorts';
import { openAssignments, releaseJobHoldings } from './cancelJob';
import { deleteDocument } from './mutateDocument';
import { settleReminder } from './settleAssignment';

/** DELETE of a job: gone with all its traces; its offers are revoked and its worker's capacity released. */
export async function deleteJob(ports: RouterPorts, jobId: string): Promise<void> {
  const job = await deleteDocument<EngineJob>(
    ports,
    'jobs',
    jobId,
    (current, context) => [jobEvents.deleted(context, current)],
    async (current) => {
      for (const ref of openAssignments(current)) await ports.scheduler.schedule(settleReminder(ref, ports.clock.now()));
    },
  );
  if (!job) return;
  await releaseJobHoldings(ports, job, jobRouting(job).offers, openAssignments(job));
}
