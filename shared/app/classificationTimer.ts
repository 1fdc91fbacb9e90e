import type { RouterPorts } from '../ports/RouterPorts';
import { timerFor, timerId } from './timers/timerKinds';

/**
 * Classification runs as a durable timer, so a job acknowledged as pendingClassification is classified
 * even if the process stops right after: the timer is armed a little in the future before the write
 * that asks for classification, then moved to now once the write is done (the embedded timer loop runs
 * it at once; on Azure a Durable timer). Were it due at once before the write, it could run before the
 * write landed, find nothing to do, and be gone.
 */
const SAFETY_NET_MS = 10_000;

export const classifyTimerId = (jobId: string) => timerId('classifyJob', { jobId });

const schedule = (ports: RouterPorts, jobId: string, delayMs: number) =>
  ports.scheduler.schedule(timerFor('classifyJob', { jobId }, ports.clock.now().getTime() + delayMs));

/** Before the write that puts the job in pendingClassification. */
export const armClassification = (ports: RouterPorts, jobId: string) => schedule(ports, jobId, SAFETY_NET_MS);

/** After that write: classify now. */
export const startClassification = (ports: RouterPorts, jobId: string) => schedule(ports, jobId, 0);
