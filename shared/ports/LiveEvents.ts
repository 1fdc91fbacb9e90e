import type { RouterEvent } from './EventPublisher';

/** Events as they are recorded, for live views (not durable: a listener sees what happens while it listens). */
export interface LiveEvents {
  /** Calls `listener` for each event recorded from now on; the answer stops it. */
  subscribe(listener: (event: RouterEvent) => void): () => void;
}
