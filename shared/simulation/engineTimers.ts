import type { StoreScheduler } from '../adapters/embedded/StoreScheduler';
import type { Scheduler } from '../ports/Scheduler';
import type { Store } from '../ports/Store';

/** When the first timer of the store's `timers` collection is due (ms since the epoch), if any. */
export async function firstStoredTimerDue(store: Store): Promise<number | undefined> {
  const [next] = await store.range('timers', { key: 'due', from: '', to: '\uffff', limit: 1 });
  const key = next?.keys['due'];
  return typeof key === 'string' ? Date.parse(key.split('\u001f')[0] ?? '') : undefined;
}

/**
 * The router's durable timers (offer expiry, settling, classification, exception rules, scheduled jobs)
 * as the simulation's event loop sees them. The simulation fires the embedded scheduler's timers by
 * hand (its own loop stays stopped), so each fires at its simulated instant, in the same order on every
 * run. The scheduler port given to the use cases is watched, so the store is asked for the next due
 * time only after a timer was scheduled or fired, not at every step.
 */
export class EngineTimers {
  /** A lower bound of the next due time: exact after a look, lowered by every schedule since. */
  private next: number | undefined;
  private stale = true;
  readonly port: Scheduler;

  constructor(
    private readonly store: Store,
    private readonly scheduler: StoreScheduler,
  ) {
    this.port = {
      schedule: async (timer) => {
        await scheduler.schedule(timer);
        const due = Date.parse(timer.dueAt);
        if (this.next === undefined || due < this.next) this.next = due;
      },
      // A cancelled timer leaves `next` a lower bound, which costs at most one empty step.
      cancel: (id) => scheduler.cancel(id),
    };
  }

  /** When the next router timer may be due, or undefined when none is. */
  async nextDue(): Promise<number | undefined> {
    if (this.stale) {
      this.next = await firstStoredTimerDue(this.store);
      this.stale = false;
    }
    return this.next;
  }

  /** Fires the timers due at `now`, if any may be; answers how many fired. */
  async fireDue(now: number): Promise<number> {
    const next = await this.nextDue();
    if (next === undefined || next > now) return 0;
    const fired = await this.scheduler.runDue();
    this.stale = true;
    return fired;
  }
}
