import type { Logger } from '../../ports/Logger';
import type { MatchQueue, MatchRequest } from '../../ports/MatchQueue';

/**
 * The embedded MatchQueue: requests are collected (duplicates merged) and run one at a time on the
 * event loop right after the request that produced them, so a job is usually offered within a
 * millisecond of its PATCH and matching never runs two passes over the same queue at once.
 */
export class InProcessMatchQueue implements MatchQueue {
  private readonly pending = new Map<string, MatchRequest>();
  private draining: Promise<void> | undefined;
  private handler: ((request: MatchRequest) => Promise<unknown>) | undefined;
  private stopped = false;

  /**
   * `defer` runs a drain after the work that asked for it: by default on the next turn of the event
   * loop, after every promise the request's handler chained; a simulation, whose work never waits for
   * I/O, runs the drains itself once its work has settled and saves the turn.
   */
  constructor(
    private readonly logger: Logger,
    private readonly defer: (drain: () => void) => void = setImmediate,
  ) {}

  async enqueue(requests: readonly MatchRequest[]): Promise<void> {
    for (const request of requests) this.pending.set(`${request.queueId}\u001f${request.jobId ?? ''}\u001f${request.workerId ?? ''}`, request);
    this.kick();
    return Promise.resolve();
  }

  start(handler: (request: MatchRequest) => Promise<unknown>): void {
    this.handler = handler;
    this.stopped = false;
    this.kick();
  }

  /** Resolves once every request enqueued so far (and any they caused) has run. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private kick(): void {
    if (this.draining || !this.handler || this.stopped || this.pending.size === 0) return;
    this.draining = new Promise<void>((resolve) => this.defer(resolve)).then(() => this.drain()).finally(() => {
      this.draining = undefined;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.pending.size > 0) {
      const [key, request] = this.pending.entries().next().value as [string, MatchRequest];
      this.pending.delete(key);
      try {
        await this.handler?.(request);
      } catch (error) {
        this.logger.error({ ...request, err: error instanceof Error ? error.message : String(error) }, 'matching failed');
      }
    }
  }
}
