import type { ExceptionAction, ExceptionRule } from '../model';
import { storedSelector } from '../resources/job';
import { addNote } from '../routing/jobLifecycle';
import { jobRouting, type EngineJob } from '../routing/routingState';
import { toWireTime } from '../wireTime';

/** The default disposition of a cancelled job (docs/behaviour.md#cancel). */
export const DEFAULT_CANCEL_DISPOSITION = 'Cancelled';

/** How an exception rule is remembered on a job: rule ids are unique within their policy. */
export const firedKey = (exceptionPolicyId: string, ruleId: string) => `${exceptionPolicyId}/${ruleId}`;

export function hasFired(job: EngineJob, exceptionPolicyId: string, ruleId: string): boolean {
  return job._routing?.firedExceptions?.includes(firedKey(exceptionPolicyId, ruleId)) ?? false;
}

/** What the rule's actions left the job as: what the caller still has to do outside the job document. */
export type ExceptionEffect = 'cancelled' | 'requeued' | 'reclassify' | 'unchanged';

function cancel(job: EngineJob, action: Extract<ExceptionAction, { kind: 'cancel' }>, now: Date): void {
  job.status = 'cancelled';
  job.dispositionCode = action.dispositionCode ?? DEFAULT_CANCEL_DISPOSITION;
  addNote(job, action.note, now);
}

/** The exception's queue counts as the caller's own: a later reclassification keeps it. */
function manualReclassify(job: EngineJob, action: Extract<ExceptionAction, { kind: 'manualReclassify' }>, now: Date): void {
  const routing = jobRouting(job);
  if (action.queueId !== undefined && action.queueId !== job.queueId) {
    job.queueId = action.queueId;
    job.enqueuedAt = toWireTime(now);
    delete routing.classifiedQueueId;
  }
  if (action.priority !== undefined) {
    job.priority = action.priority;
    delete routing.classifiedPriority;
  }
  if (action.workerSelectors !== undefined) job.attachedWorkerSelectors = action.workerSelectors.map((s) => storedSelector(s, now));
  job.status = 'queued';
}

function reclassify(job: EngineJob, action: Extract<ExceptionAction, { kind: 'reclassify' }>): void {
  job.labels = { ...job.labels, ...action.labelsToUpsert };
  if (action.classificationPolicyId !== undefined) job.classificationPolicyId = action.classificationPolicyId;
  job.status = 'pendingClassification';
}

/**
 * Records that the rule fired and applies its actions to the job, in the order listed, in one write.
 * A cancel ends the job and the actions after it; the last of manualReclassify/reclassify decides
 * whether the job stays queued or is classified again. The job's offers are dropped in every case (the
 * caller revokes them on the workers): its queue, selectors or status changed. A reclassify without a
 * policy (none on the action or the job) leaves the labels upserted and the job queued.
 */
export function applyExceptionRule(job: EngineJob, exceptionPolicyId: string, rule: ExceptionRule, now: Date): ExceptionEffect {
  const routing = jobRouting(job);
  routing.firedExceptions = [...(routing.firedExceptions ?? []), firedKey(exceptionPolicyId, rule.id)];
  let effect: ExceptionEffect = 'unchanged';
  for (const action of rule.actions) {
    if (action.kind === 'cancel') {
      cancel(job, action, now);
      effect = 'cancelled';
      break;
    }
    if (action.kind === 'manualReclassify') {
      manualReclassify(job, action, now);
      effect = 'requeued';
    } else {
      reclassify(job, action);
      if (job.classificationPolicyId) effect = 'reclassify';
      else {
        job.status = 'queued';
        effect = 'requeued';
      }
    }
  }
  if (effect !== 'unchanged') routing.offers = [];
  return effect;
}
