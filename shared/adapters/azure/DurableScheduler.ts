import { createHash } from 'node:crypto';
import { OrchestrationRuntimeStatus } from 'durable-functions';
import { sortableDueTime } from '../../domain/dueTime';
import type { Scheduler, StoredTimer, Timer } from '../../ports/Scheduler';
import { routerTimerNames } from './routerTimerNames';

/**
 * What DurableScheduler needs of the Durable client. `df.getClient(context)` is one, and its
 * behaviour is the contract: `startNew` resolves once the start message is in the task hub and
 * rejects when a live instance has the id (the default `overridableExistingInstanceStates`);
 * `raiseEvent` resolves once the event is in the task hub, and also when the instance has finished
 * (the event is then dropped), and rejects for an unknown id; `getStatus` rejects for an unknown id.
 */
export interface DurableTimerClient {
  startNew(orchestratorFunctionName: string, options: { instanceId: string; input: StoredTimer }): Promise<string>;
  raiseEvent(instanceId: string, eventName: string, eventData: unknown): Promise<void>;
  getStatus(instanceId: string): Promise<{ runtimeStatus: string }>;
}

const LIVE: ReadonlySet<string> = new Set([
  OrchestrationRuntimeStatus.Pending,
  OrchestrationRuntimeStatus.Running,
  OrchestrationRuntimeStatus.ContinuedAsNew,
  OrchestrationRuntimeStatus.Suspended,
]);

/** Start-or-replace races with an instance that finishes meanwhile; a few rounds settle it. */
const ATTEMPTS = 5;

/**
 * The Azure host's Scheduler: one `routerTimer` orchestration instance per timer, its instance id
 * derived from the timer id (see docs/adr/0011-durable-timers.md). Replacing a timer is an event to
 * the live instance, which continues as new with it; cancelling is an event that ends it.
 */
export class DurableScheduler implements Scheduler {
  constructor(private readonly client: DurableTimerClient) {}

  async schedule(scheduled: Timer): Promise<void> {
    checkTimer(scheduled);
    // Durable timers take .NET DateTimes: a due time past year 9999 waits at the last representable instant.
    const timer: StoredTimer = { ...scheduled, dueAt: sortableDueTime(scheduled.dueAt) };
    const instanceId = timerInstanceId(timer.id);
    let startError: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        await this.client.startNew(routerTimerNames.orchestration, { instanceId, input: timer });
        return;
      } catch (error) {
        // Most often a live instance has the id (another caller started it first): replace its timer.
        startError = error;
      }
      // raiseEvent also resolves when the instance finished before the event reached it (the event is
      // dropped): then the next round starts a new instance.
      if ((await this.raise(instanceId, routerTimerNames.reschedule, timer)) && (await this.isLive(instanceId))) return;
    }
    const reason = startError instanceof Error ? startError.message : String(startError);
    throw new Error(`Could not schedule timer ${timer.id} (Durable instance ${instanceId}) in ${ATTEMPTS} attempts; the last start failed with: ${reason}`);
  }

  async cancel(id: string): Promise<void> {
    await this.raise(timerInstanceId(id), routerTimerNames.cancel, null);
  }

  /** Raises the event; false when the client refused it because no live instance has the id (an unknown id). */
  private async raise(instanceId: string, eventName: string, eventData: unknown): Promise<boolean> {
    try {
      await this.client.raiseEvent(instanceId, eventName, eventData);
      return true;
    } catch (error) {
      if (await this.isLive(instanceId)) throw error;
      return false;
    }
  }

  private async isLive(instanceId: string): Promise<boolean> {
    try {
      return LIVE.has((await this.client.getStatus(instanceId)).runtimeStatus);
    } catch {
      // The client rejects for an unknown id; any other failure surfaces through start or raise.
      return false;
    }
  }
}

function checkTimer(timer: StoredTimer): void {
  if (timer.id.length === 0) throw new Error(`A timer needs an id (kind ${timer.kind}, due ${timer.dueAt}).`);
  if (Number.isNaN(Date.parse(timer.dueAt))) throw new Error(`Timer ${timer.id} has dueAt "${timer.dueAt}", which is not an ISO-8601 instant.`);
}

/**
 * Durable instance ids must be 1–100 characters, must not start with `@`, and must not contain
 * `/ \ # ?` or control characters; the JavaScript client also puts them into request URLs unescaped.
 * Router ids can contain any of that, so every character outside [A-Za-z0-9_:-] is written as `~`
 * and its four hex digits (UTF-16 code unit), which keeps the common ids readable
 * (`offerExpiry:3f2a…`) and decodes back exactly. Periods are escaped too: a final URL segment
 * with a period can be mis-routed by the Functions host. An encoding longer than 100 characters is
 * cut and ends in `~~` and the SHA-256 of the timer id (the full id is in the instance's input).
 */
const MAX_INSTANCE_ID = 100;
const KEPT = /^[A-Za-z0-9_:-]$/;
const DIGEST_MARK = '~~';
const DIGEST_LENGTH = 64;

export function timerInstanceId(timerId: string): string {
  const pieces = Array.from({ length: timerId.length }, (_, i) => {
    const char = timerId.charAt(i);
    return KEPT.test(char) ? char : `~${timerId.charCodeAt(i).toString(16).padStart(4, '0')}`;
  });
  const readable = pieces.join('');
  if (readable.length <= MAX_INSTANCE_ID) return readable;
  let prefix = '';
  for (const piece of pieces) {
    if (prefix.length + piece.length > MAX_INSTANCE_ID - DIGEST_MARK.length - DIGEST_LENGTH) break;
    prefix += piece;
  }
  return `${prefix}${DIGEST_MARK}${createHash('sha256').update(timerId, 'utf8').digest('hex')}`;
}

/** The timer id an instance id was made from; undefined for a cut (digest) id, whose input holds the timer. */
export function timerIdOfInstance(instanceId: string): string | undefined {
  if (instanceId.includes(DIGEST_MARK)) return undefined;
  return instanceId.replace(/~([0-9a-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
