import { systemClock, type Clock } from '../ports/Clock';
import type { Logger } from '../ports/Logger';

/**
 * Named checks behind GET /ready: each resolves true when its part works, and false or a rejection when
 * it does not. The answer names the checks and whether each passed, nothing more; why one failed goes to
 * the log, which only the operator reads.
 */
export type ReadinessChecks = Readonly<Record<string, () => Promise<boolean>>>;

/**
 * A check that has not answered by then counts as failed, so a hung store cannot hang the probe. Probes
 * should wait longer than this (Kubernetes' default timeoutSeconds of 1 is too short; the README says 5).
 */
export const READINESS_TIMEOUT_MS = 3_000;

export type CheckState = 'ok' | 'unavailable';

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckState>;
}

function withinTimeout(check: () => Promise<boolean>, timeoutMs: number, clock: Clock): Promise<boolean> {
  let cancel: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    cancel = clock.setTimer(timeoutMs, () => reject(new Error(`no answer within ${timeoutMs} ms`)));
  });
  return Promise.race([Promise.resolve().then(check), timeout]).finally(() => cancel?.());
}

/** Runs every check at once; ready when all passed. The timeout runs on `clock` (a test moves it past a hung check). */
export async function checkReadiness(checks: ReadinessChecks, logger: Logger, timeoutMs = READINESS_TIMEOUT_MS, clock: Clock = systemClock): Promise<Readiness> {
  const states = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckState]> => {
      try {
        if (await withinTimeout(check, timeoutMs, clock)) return [name, 'ok'];
        logger.warn({ check: name }, 'readiness check failed');
      } catch (error) {
        logger.warn({ check: name, err: error instanceof Error ? error.message : String(error) }, 'readiness check failed');
      }
      return [name, 'unavailable'];
    }),
  );
  return { ready: states.every(([, state]) => state === 'ok'), checks: Object.fromEntries(states) };
}
