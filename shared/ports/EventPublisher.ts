/**
 * Router events (docs/behaviour.md#events): `type` without the `Microsoft.Communication.` prefix, `data`
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

/** An event in a document's outbox: `position` (`<time>-<sequence>`) orders it in the event history. */
export interface OutboxEntry {
  position: string;
  event: RouterEvent;
}

/**
 * Where committed events go: the relay records them in the event history and delivers them to the
 * channels. `record` is idempotent (an entry recorded twice is kept once) and returns once the
 * history holds the entries; delivery happens after, and never holds up the caller.
 */
export interface EventPublisher {
  /**
   * False for a publisher whose events live only as long as the process (the simulator's): with no
   * history to sweep after a crash, a write need not carry its events in its document's outbox, and
   * hands them to `record` alone, once, after it committed; such a publisher is never handed an entry
   * twice. Absent: true.
   */
  readonly outbox?: boolean;
  record(entries: readonly OutboxEntry[]): Promise<void>;
  /**
   * True when the publisher knows the history holds the entry (it recorded it lately), so a write may
   * drop it from its document's outbox without looking; false only says it does not know.
   */
  holds(entry: OutboxEntry): boolean;
  /**
   * Events of a delete (the document and its outbox are about to disappear): kept in the history as
   * awaiting the delete of `document` at `etag`, and delivered once `confirm` says it happened (or the
   * relay sees the document gone). Awaiting events of a delete that never happened are dropped.
   */
  prepare(entries: readonly OutboxEntry[], document: { collection: 'jobs' | 'workers'; id: string; etag: string }): Promise<void>;
  confirm(entries: readonly OutboxEntry[]): Promise<void>;
  /** Drops awaiting events of a delete that did not happen. */
  abandon(entries: readonly OutboxEntry[]): Promise<void>;
}
