/**
 * Requests to run matching for one router queue. Producers send one whenever a job or worker change
 * can create a match; the consumer runs them one queue at a time (in-process in the embedded host, a
 * Service Bus session per queue in Azure). Requests are hints: losing one delays a match until the
 * next request for the queue, it never breaks an invariant.
 */
export interface MatchRequest {
  queueId: string;
  /** Match this job (a job was queued or changed). */
  jobId?: string;
  /** Match this worker (it registered or freed capacity). */
  workerId?: string;
}

export interface MatchQueue {
  enqueue(requests: readonly MatchRequest[]): Promise<void>;
}
