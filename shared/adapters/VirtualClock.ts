import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../ports/Clock';

interface PendingTimer {
  due: number;
  /** Order of setting: timers due at the same instant fire in the order they were set. */
  seq: number;
  fire: () => void;
}

/**
 * A clock that moves only when told to, firing each timer it passes at that timer's own instant, in due
 * order: tests drive timed behaviour without sleeping, and a simulation runs the real engine through a
 * day in seconds. Pending timers are kept in a binary heap (by due time, then order of setting), so a
 * simulation with many timers pays O(log n) per timer.
 */
export class VirtualClock implements Clock {
  private ms: number;
  private seq = 0;
  private readonly heap: PendingTimer[] = [];
  /** The Date of the present instant, handed to every caller until time moves: nothing in the router changes a Date it is given. */
  private date: Date | undefined;

  constructor(start: Date | string | number = '2026-01-05T09:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    // A simulated job reads the clock about thirty times, mostly within one instant.
    if (this.date?.getTime() !== this.ms) this.date = new Date(this.ms);
    return this.date;
  }

  setTimer(ms: number, fire: () => void): () => void {
    const timer: PendingTimer = { due: this.ms + Math.max(0, ms), seq: this.seq++, fire };
    this.push(timer);
    return () => {
      // Cancelled timers stay in the heap, disarmed, until their time comes (cheaper than a removal).
      timer.fire = noop;
    };
  }

  /** When the next armed timer is due (ms since the epoch), or undefined when none is. */
  nextDue(): number | undefined {
    while (this.heap[0]?.fire === noop) this.pop();
    return this.heap[0]?.due;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way at its own instant
   * (callbacks run synchronously; what they start runs later). Answers how many timers fired.
   */
  advance(ms: number): number {
    return this.advanceTo(this.ms + Math.max(0, ms));
  }

  /** Moves time to `until` (never backwards), firing the timers due on the way; answers how many fired. */
  advanceTo(until: number): number {
    let fired = 0;
    for (;;) {
      const next = this.heap[0];
      if (!next || next.due > until) break;
      this.pop();
      if (next.fire === noop) continue;
      this.ms = Math.max(this.ms, next.due);
      next.fire();
      fired++;
    }
    this.ms = Math.max(this.ms, until);
    return fired;
  }

  /**
   * Like advance, but after each fired timer lets the work it started run (`turns` turns of the event
   * loop) before time moves on, so a timer set by that work inside the window fires in it too. For
   * code whose work is in-process (memory store, in-process queue): real I/O may need more turns.
   */
  async tick(ms: number, turns = 5): Promise<void> {
    const until = this.ms + Math.max(0, ms);
    for (;;) {
      await settle(turns);
      const next = this.nextDue();
      if (next === undefined || next > until) break;
      this.advanceTo(next);
    }
    this.ms = Math.max(this.ms, until);
    await settle(turns);
  }

  private push(timer: PendingTimer): void {
    const heap = this.heap;
    // The new timer rises towards the root: parents due after it move down into the hole it leaves.
    let i = heap.length;
    heap.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!before(timer, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = timer;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    // The last timer goes down from the root: earlier children move up into the hole it leaves.
    const size = heap.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && before(heap[child + 1]!, heap[child]!)) child++;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

const noop = () => {};
const before = (a: PendingTimer, b: PendingTimer) => a.due < b.due || (a.due === b.due && a.seq < b.seq);

async function settle(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn();
}
