import type { EventPublisher, OutboxEntry, RouterEvent } from '../ports/EventPublisher';
import type { LiveEvents } from '../ports/LiveEvents';

/**
 * The simulation's events: the use cases publish through the same port as on the hosts, and what they
 * publish reaches live listeners (the simulated workers and customers, and a caller keeping the run's
 * events), in commit order, at the instant of the change. Nothing is recorded. A host records every
 * event in a durable history so that webhooks get it after a crash; a simulated day has no crash and
 * no webhook, so that history (nine documents per job) would be written for no reader. For the same
 * reason the router's writes carry no outbox (`outbox: false`): each write hands its events over once,
 * when it committed, and a deleted document has no outbox to hand over again, so each entry comes once
 * and nothing needs remembering (a test holds that every event of a run is heard once).
 */
export class LiveOnlyEvents implements EventPublisher, LiveEvents {
  readonly outbox = false;
  private readonly listeners = new Set<(event: RouterEvent) => void>();
  /**
   * What listeners threw. A listener's failure is the simulation's, and the router must not take it
   * for a failed recording (which it logs and goes on from): it is kept here, and the run ends with it.
   */
  readonly failures: unknown[] = [];
  /** Events of deletes that have not happened yet, by history position. */
  private readonly awaiting = new Map<string, RouterEvent>();

  subscribe(listener: (event: RouterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Never asked: with no outbox there is nothing to drop from one. */
  holds(): boolean {
    return false;
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
    for (const listener of this.listeners) {
      try {
        listener(entry.event);
      } catch (error) {
        this.failures.push(error);
      }
    }
  }
}
