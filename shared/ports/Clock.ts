/**
 * Time is injected so that domain, app and adapter code can run on a test or simulated clock: every
 * reading of the time and every wait goes through the Clock. The system clock is the real one; the
 * virtual clock (adapters/VirtualClock.ts) only moves when told and fires its timers as it passes them.
 */
export interface Clock {
  now(): Date;
  /**
   * Calls `fire` once `ms` milliseconds have passed on this clock (at once for 0 or less) and answers a
   * function that cancels it. A pending timer never keeps the process alive.
   */
  setTimer(ms: number, fire: () => void): () => void;
}

/** setTimeout's own limit: a longer wait would fire at once. Callers that wait longer look again when it fires. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(ms, fire) {
    const timer = setTimeout(fire, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Resolves once `ms` have passed on the clock. */
export const sleep = (clock: Clock, ms: number): Promise<void> => new Promise((resolve) => clock.setTimer(ms, resolve));

/**
 * Runs `run` every `ms` on the clock, the next run armed once the previous one has ended, so runs never
 * overlap however long one takes. Answers a function that stops the repetition (a run in progress ends
 * on its own). `run` must not reject: it handles its own failures.
 */
export function every(clock: Clock, ms: number, run: () => Promise<void>): () => void {
  let stopped = false;
  let cancel = () => {};
  const arm = () => {
    cancel = clock.setTimer(ms, () => {
      void run().finally(() => {
        if (!stopped) arm();
      });
    });
  };
  arm();
  return () => {
    stopped = true;
    cancel();
  };
}
