import { z } from 'zod';
import { kindUnion } from './kinds';
import { list } from './limits';
import { crossCheck, integer, obj } from './primitives';
import { routerRuleSchema } from './routerRule';
import { isPlainObject } from './validation';

const modeBase = {
  minConcurrentOffers: integer(1).optional(),
  maxConcurrentOffers: integer(1).optional(),
  bypassSelectors: z.boolean().optional(),
};

export const scoringRuleOptionsSchema = obj({
  batchSize: integer(1).optional(),
  scoringParameters: list(z.enum(['jobLabels', 'workerSelectors'])).optional(),
  isBatchScoringEnabled: z.boolean().optional(),
  descendingOrder: z.boolean().optional(),
});

const bestWorkerMode = z.object({
  kind: z.literal('bestWorker'),
  ...modeBase,
  scoringRule: routerRuleSchema.optional(),
  scoringRuleOptions: scoringRuleOptionsSchema.optional(),
});

const longestIdleMode = z.object({ kind: z.literal('longestIdle'), ...modeBase });

const roundRobinMode = z.object({ kind: z.literal('roundRobin'), ...modeBase });

export const distributionModeSchema = kindUnion('distribution mode', [bestWorkerMode, longestIdleMode, roundRobinMode]).check(
  crossCheck((mode, ctx) => {
    if (!isPlainObject(mode)) return;
    const { minConcurrentOffers: min, maxConcurrentOffers: max } = mode;
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      ctx.addIssue({ code: 'custom', path: ['minConcurrentOffers'], message: `must not be greater than maxConcurrentOffers (${max}), got ${min}`, input: min });
    }
  }),
);
export type DistributionMode = z.infer<typeof distributionModeSchema>;
