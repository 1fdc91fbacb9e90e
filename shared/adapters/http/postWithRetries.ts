import { RuleInvocationError, type RuleHttpRequest, type RuleHttpResponse, type RuleInvoker } from '../../ports/RuleInvoker';
import { backoffMs } from '../../domain/backoff';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; each later wait doubles, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/** Short waits: a scoring rule runs while a matching pass holds the job, so a failing endpoint must fail fast. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, firstDelayMs: 200, maxDelayMs: 2000 };

/** Waits between attempts: the evaluator's Clock (`sleep(clock, ms)`), so a simulated clock runs the backoff too. */
export type Sleep = (ms: number) => Promise<void>;

/** Statuses that say "try again later" rather than "this request is wrong". */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export interface Attempted {
  response: RuleHttpResponse;
  attempts: number;
}

/**
 * Sends the request, again after a backoff when the endpoint answers a retryable status or cannot be
 * reached, and returns the last answer whatever its status. A timeout is not retried: an endpoint that
 * did not answer in time is slow rather than flaky, and another wait of the same length would hold the
 * matching pass for longer without a better chance.
 */
export async function postWithRetries(invoker: RuleInvoker, request: RuleHttpRequest, retry: RetryPolicy, sleep: Sleep): Promise<Attempted> {
  const attempts = Math.max(1, retry.attempts);
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts;
    try {
      const response = await invoker.post(request);
      if (last || !isRetryableStatus(response.status)) return { response, attempts: attempt };
    } catch (error) {
      const retryable = error instanceof RuleInvocationError && error.failure === 'unreachable';
      if (!retryable) throw error;
      if (last) throw new RuleInvocationError('unreachable', `${error.message}, ${attempt} attempts`);
    }
    await sleep(backoffMs(attempt, retry.firstDelayMs, retry.maxDelayMs));
  }
}
