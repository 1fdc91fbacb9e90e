import type { Clock } from '../../shared/ports/Clock';

/** A clock that only moves when the test says so. */
export class TestClock implements Clock {
  private ms: number;

  constructor(start: Date | string = '2026-01-05T09:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
