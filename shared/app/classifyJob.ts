import { applyClassification, failClassification, hasOwnQueue, targetQueueId } from '../domain/classification/applyClassification';
import { classify, type Classification } from '../domain/classification/classify';
import { chooseQueue, indexedSelector, labelPair, QUEUE_LABEL_KEY } from '../domain/classification/queueSelection';
import type { RandomSource } from '../domain/classification/weightedAllocation';
import type { RouterQueueSelector } from '../domain/model';
import type { ClassificationPolicy, RouterQueue } from '../domain/resources';
import { jobEvents } from '../domain/routing/routerEvents';
import type { EngineJob } from '../domain/routing/routingState';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Condition, StoredDocument } from '../ports/Store';
import type { Timer } from '../ports/Scheduler';
import { classifyTimerId } from './classificationTimer';
import { readConfiguration } from './configurationCache';
import { armSelectorExpiry } from './expireWorkerSelectors';
import { mutateDocument } from './mutateDocument';
import { pagesOf } from './pagesOf';
import { jobs, queueDetails, readJob } from './routingDocuments';
import { armExceptionTimers, checkQueueLength } from './triggerException';

const QUEUE_PAGE = 200;

/** The first queue in id order that `where` lists and every selector allows. */
async function firstQueue(ports: RouterPorts, selectors: readonly RouterQueueSelector[], where: Condition[] = []): Promise<RouterQueue | undefined> {
  for await (const docs of pagesOf<RouterQueue>(ports.store, 'queues', { where, pageSize: QUEUE_PAGE })) {
    const chosen = chooseQueue(selectors, docs.map((d) => d.body));
    if (chosen) return chosen;
  }
  return undefined;
}

/**
 * The queue the selectors choose among all queues by their labels, in id order. An `equal` selector
 * narrows the read to the queues with that label (the label index); when none of those fits, every
 * queue is read, which also covers queues written before the index existed.
 */
async function findQueue(ports: RouterPorts, selectors: readonly RouterQueueSelector[]): Promise<RouterQueue | undefined> {
  if (selectors.length === 0) return undefined;
  const indexed = indexedSelector(selectors);
  const narrowed = indexed ? await firstQueue(ports, selectors, [{ key: QUEUE_LABEL_KEY, op: 'eq', value: labelPair(indexed.key, indexed.value) }]) : undefined;
  return narrowed ?? firstQueue(ports, selectors);
}

type Decision = { ok: true; queueId: string; queue: StoredDocument<RouterQueue>; classification: Extract<Classification, { ok: true }>['value'] } | { ok: false; reason: string };

async function decide(ports: RouterPorts, job: EngineJob, random: RandomSource): Promise<Decision> {
  const policyId = job.classificationPolicyId ?? '';
  const policy = (await readConfiguration<ClassificationPolicy>(ports, 'classificationPolicies', policyId))?.body;
  if (!policy) return { ok: false, reason: `the classification policy '${policyId}' does not exist` };
  const outcome = await classify(policy, job.labels, (rule, input) => ports.rules.evaluate(rule, input), random);
  if (!outcome.ok) return outcome;
  const chosen = hasOwnQueue(job) ? undefined : (await findQueue(ports, outcome.value.queueSelectors))?.id;
  const queueId = targetQueueId(job, chosen, policy.fallbackQueueId);
  if (!queueId) return { ok: false, reason: 'no queue matched the queue selectors and the policy has no fallbackQueueId' };
  const queue = await readConfiguration<RouterQueue>(ports, 'queues', queueId);
  if (!queue) return { ok: false, reason: `the queue '${queueId}' does not exist` };
  return { ok: true, queueId, queue, classification: outcome.value };
}

/**
 * Classifies a job in pendingClassification (docs/behaviour.md#classification): the policy's rules give its queue,
 * priority and attached worker selectors, and the job is queued (RouterJobClassified, RouterJobQueued);
 * or it is left in classificationFailed with the reason (note and RouterJobClassificationFailed). A
 * rule that fails is a classification failure, never an error of the caller. The write is refused if
 * the job changed meanwhile in what classification read: the change asked for its own classification.
 * `random` draws weighted allocations (a seeded source in tests).
 */
export async function classifyJob(ports: RouterPorts, jobId: string, random: RandomSource = ports.random ?? Math.random): Promise<void> {
  const readDocument = await readJob(ports, jobId);
  const read = readDocument?.body;
  if (read?.status !== 'pendingClassification') return;
  const decision = await decide(ports, read, random);

  let queueLengthChecks: Timer[] = [];
  if (decision.ok) {
    queueLengthChecks = await armExceptionTimers(ports, jobId, decision.queueId, decision.queue);
    await armSelectorExpiry(ports, jobId, [...read.requestedWorkerSelectors, ...decision.classification.workerSelectors], ports.clock.now());
  }
  const [queue] = decision.ok ? await queueDetails(ports, [decision.queueId], [decision.queue]) : [];
  const result = await mutateDocument(ports, jobs, jobId, (job, now) => {
    const same = job.status === 'pendingClassification' && job.classificationPolicyId === read.classificationPolicyId && JSON.stringify(job.labels) === JSON.stringify(read.labels) && job.queueId === read.queueId;
    if (!same) return false;
    if (decision.ok) applyClassification(job, decision.classification, decision.queueId, now);
    else failClassification(job, decision.reason, now);
    return true;
  }, (job, context) =>
    decision.ok
      ? [jobEvents.classified(context, job, queue ?? { id: decision.queueId, labels: {} }), jobEvents.queued(context, job)]
      : [jobEvents.classificationFailed(context, job, decision.reason)],
    readDocument,
  );
  if (!result?.changed) return;
  await ports.scheduler.cancel(classifyTimerId(jobId));
  if (!decision.ok) return;
  await checkQueueLength(ports, queueLengthChecks);
  await ports.matchQueue.enqueue([{ queueId: decision.queueId, jobId }]);
}
