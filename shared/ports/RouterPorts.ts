import type { Clock } from './Clock';
import type { Store } from './Store';

/** The ports every use case is given: hosts compose them from their adapters. */
export interface RouterPorts {
  store: Store;
  clock: Clock;
  /** New unique ids (assignment, offer and exception action ids). */
  newId: () => string;
}
