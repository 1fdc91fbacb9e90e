import { REMEMBERED_ENTRIES } from '../app/EventHistoryRecorder';
import type { EventPublisher, OutboxEntry, RouterEvent } from '../ports/EventPublisher';
import type { LiveEvents } from '../ports/LiveEvents';

/**
 * The simulation's events: the use cases publish through the same port as on the hosts, and what they
 * publish reaches live listeners (the simulated workers and customers, and a caller keeping the run's
 * events), in commit order, at the instant of the change. Nothing is recorded. A host records every
 * event in a durable history so that webhooks get it after a crash; a simulated day has no crash and
 * no webhook, so that history (nine documents per job) would be written for no reader. For the same
 * reason the router's writes carry no outbox (`outbox: false`): each write hands its events over once
 * it committed, and no sweep will look for them after a crash. Recording stays idempotent, as the port
 * says: it remembers (bounded) which entries it announced, and one handed over again is not announced
 * twice. It remembers the last REMEMBERED_ENTRIES to twice as many, in two generations of sets:
 * cheaper than a least-recently-used list, and an entry comes again soon after, if at all.
 */
export class LiveOnlyEvents implements EventPublisher, LiveEvents {
  readonly outbox = false;
  private readonly listeners = new Set<(event: RouterEvent) => void>();
  /** Events of deletes that have not happened yet, by history position. */
  private readonly awaiting = new Map<string, RouterEvent>();
  private announced = new Set<string>();
  private announcedBefore = new Set<string>();

  subscribe(listener: (event: RouterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  holds(entry: OutboxEntry): boolean {
    return this.announced.has(entry.position) || this.announcedBefore.has(entry.position);
  }

  record(entries: readonly OutboxEntry[]): Promise<void> {
    for (const entry of entries) this.announce(entry);
    return Promise.resolve();
  }

  prepare(entries: readonly OutboxEntry[]): Promise<void> {
    for (const entry of entries) this.awaiting.set(entry.position, entry.event);
    return Promise.resolve();
  }

  confirm(entries: readonly OutboxEntry[]): Promise<void> {
    for (const entry of entries) {
      const event = this.awaiting.get(entry.position);
      this.awaiting.delete(entry.position);
      if (event) this.announce({ position: entry.position, event });
    }
    return Promise.resolve();
  }

  abandon(entries: readonly OutboxEntry[]): Promise<void> {
    for (const entry of entries) this.awaiting.delete(entry.position);
    return Promise.resolve();
  }

  private announce(entry: OutboxEntry): void {
    if (this.holds(entry)) return;
    if (this.announced.size >= REMEMBERED_ENTRIES) {
      this.announcedBefore = this.announced;
      this.announced = new Set();
    }
    this.announced.add(entry.position);
    // A listener's failure is the simulation's: it ends the run rather than going unnoticed.
    for (const listener of this.listeners) listener(entry.event);
  }
}
