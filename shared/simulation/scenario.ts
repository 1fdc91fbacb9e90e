import { z } from 'zod';

/**
 * A simulated day, as a planner writes it. Router resources (policies, queues) are given as the API
 * takes them and are written through the router's own upsert, so the router validates them; the rest
 * describes the people: staffing, traffic, handle times, patience and how workers answer offers.
 */

const seconds = z.number().finite().nonnegative();

export const durationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exponential'), mean: seconds.describe('Mean in seconds.') }).strict(),
  z
    .object({
      kind: z.literal('lognormal'),
      mean: z.number().finite().positive().describe('Mean in seconds.'),
      standardDeviation: seconds.describe('Standard deviation in seconds.'),
    })
    .strict(),
  z.object({ kind: z.literal('fixed'), value: seconds.describe('Always this many seconds.') }).strict(),
]);
export type Duration = z.infer<typeof durationSchema>;

export const patienceSchema = z.union([durationSchema, z.object({ kind: z.literal('none') }).strict()]);
export type Patience = z.infer<typeof patienceSchema>;

/** A router resource body as PATCH takes it, plus its id. */
const resourceSchema = z.object({ id: z.string().min(1) }).catchall(z.unknown());

const shiftSchema = z
  .object({
    startSeconds: seconds.describe('Seconds from the start of the day the group comes on.'),
    endSeconds: seconds.describe('Seconds from the start of the day the group goes off (it finishes its jobs).'),
  })
  .strict();

const answerSchema = z
  .object({
    acceptAfterSeconds: durationSchema.default({ kind: 'fixed', value: 0 }).describe('Time from an offer to its accept.'),
    declineProbability: z.number().min(0).max(1).default(0).describe('Share of offers declined (after the same delay).'),
    expireProbability: z.number().min(0).max(1).default(0).describe('Share of offers left to expire.'),
  })
  .strict()
  .refine((a) => a.declineProbability + a.expireProbability <= 1, { message: 'declineProbability + expireProbability must be at most 1' });

const workerGroupSchema = z
  .object({
    name: z.string().min(1).optional().describe('Names the group in worker ids and sweeps; group<N> when absent.'),
    count: z.number().int().nonnegative(),
    queues: z.array(z.string().min(1)),
    capacity: z.number().int().positive(),
    channels: z.array(z.object({ channelId: z.string().min(1), capacityCostPerJob: z.number().int().positive(), maxNumberOfJobs: z.number().int().positive().optional() }).strict()),
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    shifts: z.array(shiftSchema).optional().describe('When the group is on; the whole day when absent.'),
    answer: answerSchema.optional(),
  })
  .strict();

const rateStepSchema = z.object({ fromSeconds: seconds, ratePerSecond: seconds }).strict();

const arrivalSchema = z
  .object({
    queueId: z.string().min(1).optional(),
    classificationPolicyId: z.string().min(1).optional(),
    channelId: z.string().min(1),
    priority: z.number().int().optional(),
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    requestedWorkerSelectors: z.array(z.record(z.string(), z.unknown())).optional(),
    ratePerSecond: seconds.optional().describe('Poisson arrivals at this constant rate.'),
    rateProfile: z.array(rateStepSchema).min(1).optional().describe('Poisson arrivals whose rate steps at these times (the first step starts the day).'),
    handleSeconds: durationSchema,
    wrapUpSeconds: durationSchema.optional().describe('After-call work before the job is closed; none when absent.'),
    patienceSeconds: patienceSchema.default({ kind: 'none' }).describe('How long a customer waits before hanging up; an abandoned job is cancelled.'),
  })
  .strict()
  .refine((a) => (a.ratePerSecond === undefined) !== (a.rateProfile === undefined), { message: 'give exactly one of ratePerSecond and rateProfile' })
  .refine((a) => a.queueId !== undefined || a.classificationPolicyId !== undefined, { message: 'give a queueId or a classificationPolicyId' });

const sweepSchema = z
  .object({
    path: z.string().min(1).describe('A dotted path into this scenario, e.g. "workerGroups.0.count" or "distributionPolicies.0.mode.kind".'),
    values: z.array(z.unknown()).min(1).max(100),
  })
  .strict();

export const scenarioSchema = z
  .object({
    seed: z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1).describe('Same seed, same run.'),
    durationSeconds: z.number().positive().max(31 * 24 * 3600),
    warmupSeconds: seconds.default(0),
    serviceLevelSeconds: seconds.default(20),
    bucketSeconds: z.number().positive().default(1800).describe('Width of the time buckets of the results.'),
    distributionPolicies: z.array(resourceSchema).default([]),
    classificationPolicies: z.array(resourceSchema).default([]),
    exceptionPolicies: z.array(resourceSchema).default([]),
    queues: z.array(resourceSchema).min(1),
    workerGroups: z.array(workerGroupSchema).min(1),
    arrivals: z.array(arrivalSchema).min(1),
    sweep: sweepSchema.optional().describe('What-if: the scenario is run once per value at this path.'),
  })
  .strict()
  .refine((s) => s.warmupSeconds < s.durationSeconds, { message: 'warmupSeconds must be less than durationSeconds' })
  .refine((s) => s.durationSeconds / s.bucketSeconds <= 10_000, { message: 'at most 10,000 buckets: make bucketSeconds larger' });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type WorkerGroup = Scenario['workerGroups'][number];
export type Arrival = Scenario['arrivals'][number];

/** Parses a scenario; the error names each problem with its path. */
export function parseScenario(input: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(scenario)'}: ${issue.message}`);
  throw new ScenarioError(`The scenario is not valid:\n  ${problems.join('\n  ')}`);
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** The scenario's JSON schema, for editors and the documentation. */
export const scenarioJsonSchema = () => z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
