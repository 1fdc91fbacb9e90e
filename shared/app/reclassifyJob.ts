import { jobRouting, type EngineJob, type JobOfferRecord } from '../domain/routing/routingState';
import type { RouterPorts } from '../ports/RouterPorts';
import { AppError } from './AppError';
import { armClassification, startClassification } from './classificationTimer';
import { modifyResource } from './modifyResource';
import { revokeFromWorkers } from './offerEnds';
import { jobs, readJob } from './routingDocuments';

/** Jobs that can be classified again: waiting ones (an assigned or finished job has no use for a queue). */
const RECLASSIFIABLE = ['queued', 'pendingClassification', 'classificationFailed'] as const;

/**
 * `:reclassify` (docs/behaviour.md#reclassification): the job's current labels go through its classification policy again.
 * The job waits in pendingClassification (its offers revoked) and is classified asynchronously, as on
 * create; staying in its queue, it keeps its place.
 */
function refuse(job: EngineJob): void {
  if (!job.classificationPolicyId) {
    throw new AppError('invalid', `The job '${job.id}' has no classificationPolicyId to reclassify with; set one with a PATCH (which classifies the job).`);
  }
  if (!(RECLASSIFIABLE as readonly string[]).includes(job.status)) {
    throw new AppError('conflict', `The job '${job.id}' is ${job.status}; only a job that is ${RECLASSIFIABLE.join(', ')} can be reclassified.`);
  }
}

export async function reclassifyJob(ports: RouterPorts, jobId: string): Promise<void> {
  const existing = await readJob(ports, jobId);
  if (!existing) throw new AppError('notFound', `The job '${jobId}' was not found.`);
  refuse(existing.body);
  await armClassification(ports, jobId);
  let dropped: JobOfferRecord[] = [];
  const document = await modifyResource(ports, jobs, jobId, (job) => {
    refuse(job);
    const routing = jobRouting(job);
    dropped = routing.offers;
    routing.offers = [];
    job.status = 'pendingClassification';
  }, undefined, existing);
  await revokeFromWorkers(ports, document.body, dropped);
  await startClassification(ports, jobId);
}
