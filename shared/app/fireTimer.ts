import { isMatchable } from '../domain/routing/routingKeys';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Timer } from '../ports/Scheduler';
import { activateScheduledJob } from './activateScheduledJob';
import { classifyJob } from './classifyJob';
import { expireOffer } from './expireOffer';
import { expireWorkerSelectors } from './expireWorkerSelectors';
import { readJob } from './routingDocuments';
import { settleAssignment } from './settleAssignment';
import { triggerException } from './triggerException';

const field = (timer: Timer, name: string): string => {
  const value = timer.payload[name];
  if (value === undefined) throw new Error(`timer ${timer.id} has no ${name}`);
  return value;
};

/** What a due timer does. Every branch is idempotent: a timer may fire twice after a crash. */
export async function fireTimer(ports: RouterPorts, timer: Timer): Promise<void> {
  switch (timer.kind) {
    case 'offerExpiry':
      return expireOffer(ports, { offerId: field(timer, 'offerId'), jobId: field(timer, 'jobId'), workerId: field(timer, 'workerId') });
    case 'settleAssignment':
      return settleAssignment(ports, { jobId: field(timer, 'jobId'), assignmentId: field(timer, 'assignmentId'), workerId: field(timer, 'workerId') });
    case 'retryOffer': {
      const job = await readJob(ports, field(timer, 'jobId'));
      if (job && isMatchable(job.body) && job.body.queueId) await ports.matchQueue.enqueue([{ queueId: job.body.queueId, jobId: job.body.id }]);
      return;
    }
    case 'classifyJob':
      return classifyJob(ports, field(timer, 'jobId'));
    case 'expireWorkerSelectors':
      return expireWorkerSelectors(ports, field(timer, 'jobId'));
    case 'exceptionTrigger':
      return triggerException(ports, {
        jobId: field(timer, 'jobId'),
        queueId: field(timer, 'queueId'),
        exceptionPolicyId: field(timer, 'exceptionPolicyId'),
        ruleId: field(timer, 'ruleId'),
      });
    case 'activateScheduledJob':
      return activateScheduledJob(ports, field(timer, 'jobId'));
  }
}
