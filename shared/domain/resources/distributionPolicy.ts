import { distributionPolicyInputSchema, type DistributionMode, type DistributionPolicyInput } from '../model';
import { ordered, pick, type ResourceDefinition, validatedBy } from './ResourceDefinition';

export interface DistributionPolicy {
  id: string;
  name?: string;
  offerExpiresAfterSeconds?: number;
  mode?: DistributionMode;
}

const WRITABLE = ['name', 'offerExpiresAfterSeconds', 'mode'] as const;

/** Mode defaults are the documented ones (docs/behaviour.md#defaults); the service echoed them in every read. */
function withModeDefaults(mode: DistributionMode): DistributionMode {
  const { kind, minConcurrentOffers, maxConcurrentOffers, bypassSelectors, ...rest } = mode;
  return { kind, minConcurrentOffers: minConcurrentOffers ?? 1, maxConcurrentOffers: maxConcurrentOffers ?? 1, bypassSelectors: bypassSelectors ?? false, ...rest };
}

export const distributionPolicyResource: ResourceDefinition<DistributionPolicyInput, DistributionPolicy> = {
  collection: 'distributionPolicies',
  noun: 'distribution policy',
  wireOrder: ['id', ...WRITABLE],
  ...validatedBy(distributionPolicyInputSchema),
  writable: (body) => pick(body, WRITABLE),
  build: (input, { id }) =>
    ordered<DistributionPolicy>(
      { id, name: input.name, offerExpiresAfterSeconds: input.offerExpiresAfterSeconds, mode: input.mode && withModeDefaults(input.mode) },
      ['id', ...WRITABLE],
    ),
  references: () => [],
  indexKeys: () => ({}),
  deleteBlockers: [
    {
      collection: 'queues',
      where: (id) => [{ key: 'distributionPolicyId', op: 'eq', value: id }],
      code: 'QueueExistsWithDistributionPolicy',
      message: 'There is a queue with this distribution policy',
    },
  ],
  deleteBlockedStatus: 400,
};
