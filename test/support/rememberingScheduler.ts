import type { Scheduler, Timer } from '../../shared/ports/Scheduler';

/**
 * A Scheduler that only remembers what it was given. For counting a store's work on the Azure host's
 * composition, where timers are not store operations (they live in the Durable task hub), and where a
 * timer that fired in the middle of a counted step would add reads of its own.
 */
export class RememberingScheduler implements Scheduler {
  readonly timers = new Map<string, Timer>();

  schedule(timer: Timer): Promise<void> {
    this.timers.set(timer.id, timer);
    return Promise.resolve();
  }

  cancel(id: string): Promise<void> {
    this.timers.delete(id);
    return Promise.resolve();
  }
}
