import type { Clock } from '../ports/Clock';
import { ConfigError } from './config';
import { backoffMs } from '../domain/backoff';

/** The host cannot serve yet: what went wrong and, unless the settings themselves are wrong, when it tries again. */
export class HostUnavailableError extends Error {
  override name = 'HostUnavailableError';
  constructor(
    readonly reason: string,
    /** Absent when only a change of settings (and so a restart) can help. */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(reason);
  }
}

export interface RetryingCompositionOptions<T> {
  compose: () => Promise<T>;
  clock: Clock;
  /** Told once per failed attempt, not once per caller. */
  onFailure: (failure: { error: unknown; attempt: number; retryInMs: number | undefined }) => void;
  firstRetryMs?: number;
  maxRetryMs?: number;
}

export const COMPOSITION_RETRY = { firstRetryMs: 1000, maxRetryMs: 60_000 } as const;

/**
 * Composes once and shares the result, but a failure is not kept forever: the emulator may still be
 * starting, or a role assignment not yet in effect after a deployment. Until the next attempt is due
 * every caller is refused at once (no request reaches Cosmos DB), and the waits double up to a cap,
 * so a storm of requests against a store that is down costs one attempt per wait. A ConfigError is
 * final: the settings only change with a restart.
 */
export class RetryingComposition<T> {
  private current: Promise<T> | undefined;
  private failures = 0;
  private refusal: { error: HostUnavailableError; until: number } | undefined;
  private readonly firstRetryMs: number;
  private readonly maxRetryMs: number;

  constructor(private readonly options: RetryingCompositionOptions<T>) {
    this.firstRetryMs = options.firstRetryMs ?? COMPOSITION_RETRY.firstRetryMs;
    this.maxRetryMs = options.maxRetryMs ?? COMPOSITION_RETRY.maxRetryMs;
  }

  get(): Promise<T> {
    if (this.current) return this.current;
    const now = this.options.clock.now().getTime();
    if (this.refusal && now < this.refusal.until) {
      const { error, until } = this.refusal;
      const left = Number.isFinite(until) ? Math.max(1, Math.ceil((until - now) / 1000)) : undefined;
      return Promise.reject(new HostUnavailableError(error.reason, left));
    }
    const attempt = this.options.compose().then(
      (value) => {
        this.failures = 0;
        this.refusal = undefined;
        return value;
      },
      (error: unknown) => {
        this.current = undefined;
        this.failures += 1;
        const final = error instanceof ConfigError;
        const retryInMs = final ? undefined : backoffMs(this.failures, this.firstRetryMs, this.maxRetryMs);
        const reason = final ? error.message : `the router could not reach its services: ${error instanceof Error ? error.message : String(error)}`;
        const refused = new HostUnavailableError(reason, retryInMs === undefined ? undefined : Math.ceil(retryInMs / 1000));
        this.refusal = { error: refused, until: retryInMs === undefined ? Infinity : this.options.clock.now().getTime() + retryInMs };
        this.options.onFailure({ error, attempt: this.failures, retryInMs });
        throw refused;
      },
    );
    this.current = attempt;
    return attempt;
  }
}
