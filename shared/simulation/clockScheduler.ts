import type { VirtualClock } from '../adapters/VirtualClock';
import type { Scheduler, StoredTimer, Timer } from '../ports/Scheduler';

/**
 * The router's timers (offer expiry, settling, classification, exception rules, scheduled jobs) on the
 * simulation's virtual clock: each fires at its own simulated instant, among the simulation's own acts,
 * in the clock's order (due time, then order of scheduling), so a run stays repeatable. The embedded
 * host keeps timers in the store so that they survive a restart; a simulated day has no restart, so
 * they are kept where the clock keeps its own, and cost no store writes or queries. What a timer does
 * when it fires is the router's (`fireTimer`), handed in as `fire`.
 */
export class ClockScheduler implements Scheduler {
  private readonly armed = new Map<string, () => void>();
  private firedCount = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly fire: (timer: StoredTimer) => void,
  ) {}

  /** Timers fired so far. */
  get fired(): number {
    return this.firedCount;
  }

  schedule(timer: Timer): Promise<void> {
    // Same id, same timer: a second schedule replaces the first, as the store-kept timers do.
    this.armed.get(timer.id)?.();
    const delay = Date.parse(timer.dueAt) - this.clock.now().getTime();
    const cancel = this.clock.setTimer(delay, () => {
      this.armed.delete(timer.id);
      this.firedCount++;
      this.fire(timer);
    });
    this.armed.set(timer.id, cancel);
    return Promise.resolve();
  }

  cancel(id: string): Promise<void> {
    this.armed.get(id)?.();
    this.armed.delete(id);
    return Promise.resolve();
  }
}
