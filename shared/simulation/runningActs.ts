/**
 * The acts a simulated instant started (arrivals, answers, hang-ups, the router's timers) and a wait
 * for all of them to end, including the acts they start meanwhile. A count and one waiting promise
 * rather than a set of promises: an instant starts a few acts, and the loop waits at every instant.
 * A failed act is kept (the loop ends the run with it) rather than thrown where nobody listens.
 */
export class RunningActs {
  private running = 0;
  private quiet: (() => void) | undefined;
  readonly failures: unknown[] = [];

  start(work: () => Promise<void>): void {
    this.running++;
    work().then(this.ended, this.failed);
  }

  /** Resolves once no act is running. */
  async settled(): Promise<void> {
    while (this.running > 0) await new Promise<void>((resolve) => (this.quiet = resolve));
  }

  private readonly failed = (error: unknown) => {
    this.failures.push(error);
    this.ended();
  };

  private readonly ended = () => {
    if (--this.running > 0) return;
    const quiet = this.quiet;
    this.quiet = undefined;
    quiet?.();
  };
}
