/**
 * Router events (reference EVENTS.md): `type` without the `Microsoft.Communication.` prefix, `data`
 * in the Event Grid schema's field names. Publishing records them durably; delivery is the adapter's.
 */
export type RouterEventType =
  | 'RouterJobReceived'
  | 'RouterJobClassified'
  | 'RouterJobQueued'
  | 'RouterJobClassificationFailed'
  | 'RouterJobCompleted'
  | 'RouterJobClosed'
  | 'RouterJobCancelled'
  | 'RouterJobExceptionTriggered'
  | 'RouterJobWorkerSelectorsExpired'
  | 'RouterJobUnassigned'
  | 'RouterJobWaitingForActivation'
  | 'RouterJobSchedulingFailed'
  | 'RouterJobDeleted'
  | 'RouterWorkerOfferIssued'
  | 'RouterWorkerOfferAccepted'
  | 'RouterWorkerOfferDeclined'
  | 'RouterWorkerOfferRevoked'
  | 'RouterWorkerOfferExpired'
  | 'RouterWorkerRegistered'
  | 'RouterWorkerDeregistered'
  | 'RouterWorkerDeleted'
  | 'RouterWorkerUpdated';

export interface RouterEvent {
  id: string;
  type: RouterEventType;
  subject: string;
  /** ISO-8601 instant of the state change. */
  time: string;
  data: Record<string, unknown>;
}

export interface EventPublisher {
  publish(events: readonly RouterEvent[]): Promise<void>;
}
