import type { RouterEventType } from '../../ports/EventPublisher';

/** Written as a record so that the compiler rejects a list that misses a type or names one that does not exist. */
const TYPES = {
  RouterJobReceived: true,
  RouterJobClassified: true,
  RouterJobQueued: true,
  RouterJobClassificationFailed: true,
  RouterJobCompleted: true,
  RouterJobClosed: true,
  RouterJobCancelled: true,
  RouterJobExceptionTriggered: true,
  RouterJobWorkerSelectorsExpired: true,
  RouterJobUnassigned: true,
  RouterJobWaitingForActivation: true,
  RouterJobSchedulingFailed: true,
  RouterJobDeleted: true,
  RouterWorkerOfferIssued: true,
  RouterWorkerOfferAccepted: true,
  RouterWorkerOfferDeclined: true,
  RouterWorkerOfferRevoked: true,
  RouterWorkerOfferExpired: true,
  RouterWorkerRegistered: true,
  RouterWorkerDeregistered: true,
  RouterWorkerDeleted: true,
  RouterWorkerUpdated: true,
} as const satisfies Record<RouterEventType, true>;

/** The 22 router event types (docs/behaviour.md#event-types-and-subjects), in the service's catalogue order. */
export const ROUTER_EVENT_TYPES = Object.keys(TYPES) as readonly RouterEventType[];

export const isRouterEventType = (value: string): value is RouterEventType => Object.hasOwn(TYPES, value);
