import { validateWorker, type Labels, type RouterChannel, type WorkerInput } from '../model';
import type { IndexKeys } from '../../ports/Store';
import { ordered, pick, withIdLabel, type ResourceDefinition } from './ResourceDefinition';

export type WorkerState = 'active' | 'draining' | 'inactive';
export const WORKER_STATES: readonly WorkerState[] = ['active', 'draining', 'inactive'];

export interface RouterJobOffer {
  offerId: string;
  jobId: string;
  capacityCost: number;
  offeredAt?: string;
  expiresAt?: string;
}

export interface RouterWorkerAssignment {
  assignmentId: string;
  jobId: string;
  capacityCost: number;
  assignedAt: string;
}

export interface RouterWorker {
  id: string;
  state: WorkerState;
  queues: string[];
  capacity: number;
  labels: Labels;
  tags: Labels;
  channels: RouterChannel[];
  offers: RouterJobOffer[];
  assignedJobs: RouterWorkerAssignment[];
  loadRatio: number;
  availableForOffers: boolean;
  maxConcurrentOffers?: number;
}

const WRITABLE = ['queues', 'capacity', 'labels', 'tags', 'channels', 'availableForOffers', 'maxConcurrentOffers'] as const;

const WIRE_ORDER = ['id', 'state', 'queues', 'capacity', 'labels', 'tags', 'channels', 'offers', 'assignedJobs', 'loadRatio', 'availableForOffers', 'maxConcurrentOffers'] as const;

/** Capacity in use: every pending offer and every assignment holds its channel cost (CONCEPTS.md). */
export function usedCapacity(worker: Pick<RouterWorker, 'offers' | 'assignedJobs'>): number {
  return [...worker.offers, ...worker.assignedJobs].reduce((sum, held) => sum + held.capacityCost, 0);
}

/**
 * Channels on which the worker could take one more job by capacity cost. The per-channel
 * `maxNumberOfJobs` limit joins this once offers and assignments record their channel (matching engine).
 */
export function channelsWithCapacity(worker: RouterWorker): string[] {
  const free = worker.capacity - usedCapacity(worker);
  return worker.channels.filter((channel) => channel.capacityCostPerJob <= free).map((channel) => channel.channelId);
}

/** `state` follows `availableForOffers` synchronously (BEHAVIOUR.md §5); draining while work winds down. */
function stateOf(availableForOffers: boolean, holdsWork: boolean): WorkerState {
  if (availableForOffers) return 'active';
  return holdsWork ? 'draining' : 'inactive';
}

export const workerResource: ResourceDefinition<WorkerInput, RouterWorker> = {
  collection: 'workers',
  noun: 'worker',
  wireOrder: WIRE_ORDER,
  validate: validateWorker,
  writable: (body) => pick(body, WRITABLE),
  build: (input, { id, existing }) => {
    const offers = existing?.offers ?? [];
    const assignedJobs = existing?.assignedJobs ?? [];
    const capacity = input.capacity ?? 0;
    const availableForOffers = input.availableForOffers ?? false;
    const used = usedCapacity({ offers, assignedJobs });
    return ordered<RouterWorker>(
      {
        id,
        state: stateOf(availableForOffers, used > 0),
        queues: input.queues ?? [],
        capacity,
        labels: withIdLabel(input.labels, id),
        tags: input.tags ?? {},
        channels: input.channels ?? [],
        offers,
        assignedJobs,
        loadRatio: capacity > 0 ? Math.min(1, used / capacity) : 0,
        availableForOffers,
        maxConcurrentOffers: input.maxConcurrentOffers,
      },
      WIRE_ORDER,
    );
  },
  references: (body) => body.queues.map((queueId, index) => ({ collection: 'queues' as const, id: queueId, field: `queues[${index}]` })),
  indexKeys: (body) => {
    const withCapacity = channelsWithCapacity(body);
    const keys: IndexKeys = {
      state: body.state,
      queueId: body.queues,
      channelId: body.channels.map((channel) => channel.channelId),
      channelWithCapacity: withCapacity,
      hasCapacity: withCapacity.length > 0,
    };
    return keys;
  },
  deleteBlockers: [],
  deleteBlockedStatus: 409,
};
