import { applyExceptionRule, hasFired, type ExceptionEffect } from '../domain/exceptions/applyExceptionRule';
import { instantAfter } from '../domain/dueTime';
import type { ExceptionRule } from '../domain/model';
import type { ExceptionPolicy, RouterQueue } from '../domain/resources';
import { jobEvents } from '../domain/routing/routerEvents';
import { JOB_QUEUED_SINCE, prefixRange } from '../domain/routing/routingKeys';
import { jobRouting, type EngineJob, type JobOfferRecord } from '../domain/routing/routingState';
import { parseInstant } from '../domain/wireTime';
import type { RouterEvent } from '../ports/EventPublisher';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Timer } from '../ports/Scheduler';
import type { StoredDocument } from '../ports/Store';
import { armClassification, startClassification } from './classificationTimer';
import { readConfiguration } from './configurationCache';
import { mutateDocument } from './mutateDocument';
import { revokeFromWorkers } from './offerEnds';
import { jobs, readJob } from './routingDocuments';
import { timerFor, timerId } from './timers/timerKinds';

/** How long the safety-net timer of a queue-length check waits if the request that queued the job stopped before checking. */
const QUEUE_LENGTH_SAFETY_NET_MS = 10_000;

export interface ExceptionRef {
  jobId: string;
  queueId: string;
  exceptionPolicyId: string;
  ruleId: string;
}

export const exceptionTimerId = (ref: ExceptionRef) => timerId('exceptionTrigger', ref);

/** The exception policy of a queue; `read`: the queue, when this request read it already. */
async function readPolicyOf(ports: RouterPorts, queueId: string, read?: StoredDocument<RouterQueue>): Promise<ExceptionPolicy | undefined> {
  const queue = read?.id === queueId ? read : await readConfiguration<RouterQueue>(ports, 'queues', queueId);
  const policyId = queue?.body.exceptionPolicyId;
  return policyId ? (await readConfiguration<ExceptionPolicy>(ports, 'exceptionPolicies', policyId))?.body : undefined;
}

/**
 * Arms the exception rules of the queue a job is about to be queued in, before the write that queues
 * it: a waitTime rule at enqueue + threshold, a queueLength rule as a safety net for the check the
 * caller runs right after the write (`checkQueueLength`). Answers the queue-length timers to check.
 * `queue`: the queue as this request read it already, if it did.
 */
export async function armExceptionTimers(ports: RouterPorts, jobId: string, queueId: string, queue?: StoredDocument<RouterQueue>): Promise<Timer[]> {
  const policy = await readPolicyOf(ports, queueId, queue);
  if (!policy) return [];
  const now = ports.clock.now().getTime();
  const queueLength: Timer[] = [];
  for (const rule of policy.exceptionRules) {
    const ref = { jobId, queueId, exceptionPolicyId: policy.id, ruleId: rule.id };
    const due = rule.trigger.kind === 'waitTime' ? instantAfter(now, rule.trigger.thresholdSeconds) : new Date(now + QUEUE_LENGTH_SAFETY_NET_MS);
    const timer = timerFor('exceptionTrigger', ref, due);
    await ports.scheduler.schedule(timer);
    if (rule.trigger.kind === 'queueLength') queueLength.push(timer);
  }
  return queueLength;
}

/** Runs the queue-length checks armed for a job that was just queued, and removes their safety nets. */
export async function checkQueueLength(ports: RouterPorts, timers: readonly Timer[]): Promise<void> {
  for (const timer of timers) {
    await triggerException(ports, timer.payload as unknown as ExceptionRef);
    await ports.scheduler.cancel(timer.id);
  }
}

/** Jobs waiting in the queue besides this one. */
async function othersInQueue(ports: RouterPorts, job: EngineJob): Promise<number> {
  const waiting = await ports.store.count('jobs', { key: JOB_QUEUED_SINCE, ...prefixRange(job.queueId ?? '') });
  return Math.max(0, waiting - 1);
}

/** Whether the rule's trigger holds for the job now; a wait-time rule that is not due yet answers when it will be. */
async function triggered(ports: RouterPorts, job: EngineJob, rule: ExceptionRule): Promise<boolean | Date> {
  if (rule.trigger.kind === 'queueLength') return (await othersInQueue(ports, job)) > rule.trigger.threshold;
  // A policy stored before durations were bounded can hold any threshold: the sum is kept representable.
  const due = instantAfter(parseInstant(job.enqueuedAt ?? ''), rule.trigger.thresholdSeconds);
  return due.getTime() <= ports.clock.now().getTime() ? true : due;
}

/**
 * One exception rule for one job (docs/behaviour.md#exception-policies): only while the job waits in the queue the rule was
 * armed for, at most once per job. Recording that it fired and the job changes of its actions are one
 * conditional write; then the event, the offers the job dropped, and matching or classification.
 */
export async function triggerException(ports: RouterPorts, ref: ExceptionRef): Promise<void> {
  const read = await readJob(ports, ref.jobId);
  const job = read?.body;
  if (!job || job.status !== 'queued' || job.queueId !== ref.queueId || hasFired(job, ref.exceptionPolicyId, ref.ruleId)) return;
  const policy = await readPolicyOf(ports, ref.queueId);
  const rule = policy?.id === ref.exceptionPolicyId ? policy.exceptionRules.find((r) => r.id === ref.ruleId) : undefined;
  if (!rule) return;
  const state = await triggered(ports, job, rule);
  if (state instanceof Date) {
    // Armed before the job's enqueue time was known, or the job was re-queued since: wait until it is due.
    await ports.scheduler.schedule(timerFor('exceptionTrigger', ref, state));
    return;
  }
  if (!state) return;

  // Timers the outcome needs are durable before the write that needs them.
  const manualQueue = [...rule.actions].reverse().find((a) => a.kind === 'manualReclassify' && a.queueId !== undefined);
  const queueLengthChecks = manualQueue?.kind === 'manualReclassify' && manualQueue.queueId ? await armExceptionTimers(ports, job.id, manualQueue.queueId) : [];
  if (rule.actions.some((a) => a.kind === 'reclassify')) await armClassification(ports, job.id);

  let dropped: JobOfferRecord[] = [];
  let effect = 'unchanged' as ExceptionEffect;
  const result = await mutateDocument(ports, jobs, job.id, (fresh, now) => {
    if (fresh.status !== 'queued' || fresh.queueId !== ref.queueId || hasFired(fresh, ref.exceptionPolicyId, ref.ruleId)) return false;
    dropped = jobRouting(fresh).offers;
    effect = applyExceptionRule(fresh, ref.exceptionPolicyId, rule, now);
    return true;
  }, (written, context) => {
    const events: RouterEvent[] = [jobEvents.exceptionTriggered(context, written, rule.id)];
    if (effect === 'cancelled') events.push(jobEvents.cancelled(context, written, rule.actions.find((a) => a.kind === 'cancel')?.note));
    if (effect === 'requeued') events.push(jobEvents.queued(context, written));
    return events;
  }, read);
  if (!result?.changed) return;
  const written = result.document.body;
  await revokeFromWorkers(ports, written, dropped);
  if (effect === 'reclassify') await startClassification(ports, written.id);
  if (effect === 'requeued') {
    await checkQueueLength(ports, queueLengthChecks);
    if (written.queueId) await ports.matchQueue.enqueue([{ queueId: written.queueId, jobId: written.id }]);
  }
}
