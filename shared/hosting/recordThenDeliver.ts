import type { EventPublisher, RouterEvent } from '../ports/EventPublisher';
import type { Logger } from '../ports/Logger';

/**
 * Events are first recorded in the router's own store (the event history, and what a relay can
 * deliver again), then handed to the delivery channel. A delivery failure is logged with the event
 * ids and does not fail the change that caused the events: that change is already committed.
 */
export class RecordThenDeliver implements EventPublisher {
  constructor(
    private readonly record: EventPublisher,
    private readonly deliver: EventPublisher,
    private readonly logger: Logger,
  ) {}

  async publish(events: readonly RouterEvent[]): Promise<void> {
    await this.record.publish(events);
    try {
      await this.deliver.publish(events);
    } catch (error) {
      this.logger.error({ eventIds: events.map((e) => e.id), err: error instanceof Error ? error.message : String(error) }, 'router events were recorded but not delivered');
    }
  }
}
