import { z } from 'zod';
import type { CumulativeStatistics, RealTimeStatistics } from '../ports/Statistics';
import { sameType, type Same } from './sameType';

/** What the statistics operations answer with, for the OpenAPI document (docs/statistics.md defines each figure). */
const seconds = z.number().nullable();
const durationSchema = z
  .object({ count: z.number().int(), meanSeconds: seconds, p50Seconds: seconds, p90Seconds: seconds, p95Seconds: seconds, maxSeconds: seconds })
  .meta({ description: 'Durations that ended in the window: exact count, mean and maximum; percentiles to the second up to 10 minutes (coarser beyond).' });
const int = z.number().int();

const figuresShape = {
  jobs: z.object({
    received: int,
    queued: int,
    assigned: int,
    completed: int,
    closed: int,
    cancelled: int,
    abandoned: int,
    cancelledAfterAssignment: int,
    unassigned: int,
    classificationFailures: int,
    exceptionsTriggered: int,
  }),
  offers: z.object({ issued: int, accepted: int, declined: int, expired: int, revoked: int, timeToAccept: durationSchema }),
  waitUntilAssigned: durationSchema,
  waitUntilAbandoned: durationSchema,
  handleTime: durationSchema,
  wrapUp: durationSchema,
  serviceLevel: z.object({ thresholdSeconds: int, assignedWithinThreshold: int, assigned: int, abandoned: int, share: z.number().nullable() }),
  workers: z.object({
    signedInSeconds: z.number(),
    busySeconds: z.number(),
    capacitySeconds: z.number(),
    usedCapacitySeconds: z.number(),
    occupancy: z.number().nullable(),
    utilisation: z.number().nullable(),
  }),
};

const scopeSchema = z.object({ kind: z.enum(['router', 'queue', 'channel', 'worker']), id: z.string().optional() });

export const cumulativeStatisticsSchema = z
  .object({
    scope: scopeSchema,
    from: z.string(),
    to: z.string(),
    projectedThrough: z.string().nullable(),
    total: z.object(figuresShape),
    buckets: z.array(z.object({ from: z.string(), to: z.string(), ...figuresShape })).optional(),
  })
  .meta({ description: 'What happened in the window [from, to) for one scope, in total and (when asked) per bucket.' });
sameType<Same<z.infer<typeof cumulativeStatisticsSchema>, CumulativeStatistics>>(true);

const countsSchema = z.record(z.string(), int);
const summaryShape = {
  jobsByStatus: countsSchema,
  waiting: int,
  waitingByPriority: countsSchema,
  longestWaitSeconds: seconds,
  meanWaitSeconds: seconds,
  workersByState: z.object({ active: int, draining: int, inactive: int }),
  availableCapacityByChannel: countsSchema,
  openOffers: int,
  assignedJobs: int,
};

export const realTimeStatisticsSchema = z
  .object({
    at: z.string(),
    router: z.object(summaryShape),
    queues: z.array(z.object({ queueId: z.string(), ...summaryShape })),
    channels: z.array(z.object({ channelId: z.string(), ...summaryShape })),
    workers: z.array(
      z.object({
        workerId: z.string(),
        state: z.enum(['active', 'draining', 'inactive']),
        availableForOffers: z.boolean(),
        capacity: int,
        usedCapacity: int,
        loadRatio: z.number(),
        offers: int,
        assignments: int,
        queues: z.array(z.string()),
        stateSince: z.string().nullable(),
        secondsInState: seconds,
      }),
    ),
  })
  .meta({ description: 'What holds now, for the whole router, per queue, per channel and per worker.' });
sameType<Same<z.infer<typeof realTimeStatisticsSchema>, RealTimeStatistics>>(true);
