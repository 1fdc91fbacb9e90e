import { jobResource, workerResource, type DistributionPolicy, type RouterQueue } from '../domain/resources';
import type { QueueDetails } from '../domain/routing/routerEvents';
import type { EngineJob, EngineWorker } from '../domain/routing/routingState';
import { offerableChannels } from '../domain/routing/workerCapacity';
import type { RouterEvent } from '../ports/EventPublisher';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Definition } from './mutateDocument';
import { referenced, type Referenced } from './checkReferences';
import { readConfiguration } from './configurationCache';
import { nextHistoryPosition, relayCommitted } from './outbox';

/** The job and worker definitions typed with their engine-private state. */
export const jobs = jobResource as unknown as Definition<EngineJob>;
export const workers = workerResource as unknown as Definition<EngineWorker>;

export async function readJob(ports: RouterPorts, id: string) {
  return ports.store.get<EngineJob>('jobs', id);
}

export async function readWorker(ports: RouterPorts, id: string) {
  return ports.store.get<EngineWorker>('workers', id);
}

export interface QueueWithPolicy {
  queue: RouterQueue;
  policy: DistributionPolicy;
}

/**
 * A queue and its distribution policy, or undefined when either is gone (nothing can be matched then).
 * Both come from the process's configuration copies when it keeps them: frozen, shared by every pass.
 */
export async function readQueueWithPolicy(ports: RouterPorts, queueId: string): Promise<QueueWithPolicy | undefined> {
  const queue = await readConfiguration<RouterQueue>(ports, 'queues', queueId);
  if (!queue?.body.distributionPolicyId) return undefined;
  const policy = await readConfiguration<DistributionPolicy>(ports, 'distributionPolicies', queue.body.distributionPolicyId);
  return policy ? { queue: queue.body, policy: policy.body } : undefined;
}

/** Queue id, name and labels for worker events (`queueAssignments`, docs/behaviour.md#event-data); `read`: queues this request read already. */
export async function queueDetails(ports: RouterPorts, queueIds: readonly string[], read?: Referenced): Promise<QueueDetails[]> {
  const details: QueueDetails[] = [];
  for (const id of queueIds) {
    const queue = referenced<RouterQueue>(read, 'queues', id) ?? (await readConfiguration<RouterQueue>(ports, 'queues', id));
    details.push({ id, name: queue?.body.name, labels: queue?.body.labels ?? {} });
  }
  return details;
}

/** The worker can take offers again: let it look for waiting jobs in each of its queues. */
export async function matchWorker(ports: RouterPorts, worker: EngineWorker): Promise<void> {
  if (offerableChannels(worker).length === 0) return;
  await ports.matchQueue.enqueue(worker.queues.map((queueId) => ({ queueId, workerId: worker.id })));
}

/**
 * Records events that no write of this call carries (the document they belong to is gone). Unlike
 * outbox events they are recorded after the fact, so a crash right before this loses them.
 */
export async function recordLoose(ports: RouterPorts, events: readonly RouterEvent[]): Promise<void> {
  await relayCommitted(ports, events.map((event) => ({ position: nextHistoryPosition(event.time), event })));
}
