import { VirtualClock } from '../../shared/adapters/VirtualClock';

/** A clock that only moves when the test says so (and fires the timers it passes: see VirtualClock). */
export class TestClock extends VirtualClock {}
