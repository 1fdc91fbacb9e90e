import { workerInputSchema, type Labels, type RouterChannel, type WorkerInput } from '../model';
import type { IndexKeys } from '../../ports/Store';
import { copyJson } from '../copyJson';
import { idKeyed } from '../idKeyed';
import { ordered, pick, withIdLabel, type BuildContext, type ResourceDefinition, validatedBy } from './ResourceDefinition';
import { hasRoomFor, refreshWorker } from '../routing/workerCapacity';
import { workerRoutingKeys } from '../routing/routingKeys';
import type { EngineWorker, WorkerRouting } from '../routing/routingState';
import { toWireTime } from '../wireTime';

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

const WIRE_ORDER = ['id', 'state', 'queues', 'capacity', 'labels', 'tags', 'channels', 'offers', 'assignedJobs', 'loadRatio', 'availableForOffers', 'maxConcurrentOffers', '_routing'] as const;

const CHANGES_REVOKING_OFFERS = ['queues', 'labels', 'channels'] as const;

/**
 * Offers a worker update revokes (docs/behaviour.md#revocation): all of them when the worker deregisters, when
 * its labels, queues or channels change, or when its capacity goes down.
 */
export function offersRevokedBy(next: RouterWorker, existing: RouterWorker | undefined): boolean {
  if (!existing || existing.offers.length === 0) return false;
  if (!next.availableForOffers || next.capacity < existing.capacity) return true;
  return CHANGES_REVOKING_OFFERS.some((field) => JSON.stringify(next[field]) !== JSON.stringify(existing[field]));
}

function buildWorker(input: WorkerInput, { id, existing, now }: BuildContext<EngineWorker>): EngineWorker {
  const availableForOffers = input.availableForOffers ?? false;
  // An exact copy (prototypes included): it must compare equal to the stored one for the no-op check.
  const routing: WorkerRouting = existing?._routing ? copyJson(existing._routing) : { holdings: idKeyed(), endedOffers: [] };
  if (availableForOffers && !existing?.availableForOffers) {
    routing.registeredAt = toWireTime(now);
    routing.idleSince = toWireTime(now);
  }
  const worker = ordered<EngineWorker>(
    {
      id,
      state: 'inactive',
      queues: input.queues ?? [],
      capacity: input.capacity ?? 0,
      labels: withIdLabel(input.labels, id),
      tags: input.tags ?? {},
      channels: input.channels ?? [],
      offers: existing?.offers ?? [],
      assignedJobs: existing?.assignedJobs ?? [],
      loadRatio: 0,
      availableForOffers,
      maxConcurrentOffers: input.maxConcurrentOffers,
      _routing: routing,
    },
    WIRE_ORDER,
  );
  if (offersRevokedBy(worker, existing)) {
    for (const offer of worker.offers) delete routing.holdings[offer.offerId];
    worker.offers = [];
  }
  return refreshWorker(worker);
}

export const workerResource: ResourceDefinition<WorkerInput, EngineWorker> = {
  collection: 'workers',
  noun: 'worker',
  wireOrder: WIRE_ORDER,
  ...validatedBy(workerInputSchema),
  writable: (body) => pick(body, WRITABLE),
  build: buildWorker,
  references: (body) => body.queues.map((queueId, index) => ({ collection: 'queues' as const, id: queueId, field: `queues[${index}]` })),
  indexKeys: (body) => {
    const withCapacity = body.channels.filter((c) => hasRoomFor(body, c.channelId)).map((c) => c.channelId);
    // A fresh object each call: the other keys join it instead of a copy of it (one object per write, not two).
    const keys: IndexKeys = workerRoutingKeys(body);
    keys['state'] = body.state;
    keys['queueId'] = body.queues;
    keys['channelId'] = body.channels.map((channel) => channel.channelId);
    keys['channelWithCapacity'] = withCapacity;
    keys['hasCapacity'] = withCapacity.length > 0;
    return keys;
  },
  deleteBlockers: [],
  deleteBlockedStatus: 409,
};
