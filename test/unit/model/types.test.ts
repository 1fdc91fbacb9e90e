// Compile-time checks (run by `tsc`): the exported types are the shapes other layers program against.
import type * as m from '../../../shared/domain/model';
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T | undefined => undefined;
assert<Equals<m.DistributionMode['kind'], 'bestWorker' | 'longestIdle' | 'roundRobin'>>();
assert<Equals<m.JobInput['priority'], number | undefined>>();
assert<Equals<m.WorkerInput['queues'], string[] | undefined>>();
assert<Equals<m.LabelOperator, 'equal' | 'notEqual' | 'lessThan' | 'lessThanOrEqual' | 'greaterThan' | 'greaterThanOrEqual'>>();
assert<Equals<m.CloseJobOptions, { dispositionCode?: string | undefined; closeAt?: string | undefined; note?: string | undefined }>>();
assert<Equals<m.RouterRule['kind'], 'static' | 'directMap' | 'expression' | 'function' | 'webhook'>>();
assert<Equals<m.Labels, Record<string, string | number | boolean>>>();
assert<Equals<Extract<m.QueueSelectorAttachment, { kind: 'weightedAllocation' }>['allocations'][number]['weight'], number>>();
assert<Equals<Extract<m.JobMatchingMode, { kind: 'scheduleAndSuspend' }>['scheduleAt'], string>>();
assert<Equals<m.ExceptionRule['actions'][number]['kind'], 'cancel' | 'manualReclassify' | 'reclassify'>>();
assert<Equals<m.LabelValue, string | number | boolean>>();
assert<Equals<m.RouterWorkerSelector['expiresAfterSeconds'], number | undefined>>();
assert<Equals<m.RouterQueueSelector['value'], m.LabelValue | undefined>>();
assert<Equals<m.ExceptionTrigger['kind'], 'queueLength' | 'waitTime'>>();
assert<Equals<m.WorkerSelectorAttachment['kind'], m.QueueSelectorAttachment['kind']>>();
assert<Equals<m.RouterChannel, { channelId: string; capacityCostPerJob: number; maxNumberOfJobs?: number | undefined }>>();
assert<Equals<m.RouterJobNote, { message: string; addedAt?: string | undefined }>>();
assert<Equals<m.DistributionPolicyInput['mode'], m.DistributionMode | undefined>>();
assert<Equals<m.ClassificationPolicyInput['prioritizationRule'], m.RouterRule | undefined>>();
assert<Equals<m.ExceptionPolicyInput['exceptionRules'], m.ExceptionRule[] | undefined>>();
assert<Equals<m.QueueInput['labels'], m.Labels | undefined>>();
assert<Equals<m.JobInput['matchingMode'], m.JobMatchingMode | undefined>>();
assert<Equals<m.CancelJobOptions, { note?: string | undefined; dispositionCode?: string | undefined }>>();
assert<Equals<m.CompleteJobOptions, { note?: string | undefined }>>();
assert<Equals<m.UnassignJobOptions, { suspendMatching?: boolean | undefined }>>();
assert<Equals<m.DeclineJobOfferOptions, { retryOfferAt?: string | undefined }>>();
assert<Equals<m.ReclassifyJobOptions, Record<string, never>>>();
assert<Equals<m.FieldError, { path: string; message: string }>>();
assert<Equals<m.Validation<number>, { ok: true; value: number } | { ok: false; errors: m.FieldError[] }>>();
assert<Equals<ReturnType<typeof m.validateWorker>, m.Validation<m.WorkerInput>>>();

test('exported types have the documented shapes (checked by the type checker)', () => {
  expect(assert<true>()).toBeUndefined();
});
