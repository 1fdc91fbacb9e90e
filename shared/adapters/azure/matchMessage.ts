import { runMatching } from '../../app/runMatching';
import { idProblem } from '../../domain/model/ids';
import type { MatchRequest } from '../../ports/MatchQueue';
import type { RouterPorts } from '../../ports/RouterPorts';

/**
 * The Service Bus form of a match request: a JSON body `{ queueId, jobId?, workerId? }` (content type
 * application/json), sent in the session of its router queue. Producer and consumer share this file,
 * so the body they agree on is written down once.
 */
export type MatchMessageBody = MatchRequest;

export const MATCH_MESSAGE_CONTENT_TYPE = 'application/json';

/** The body for a request: only the members it has, so a consumer sees exactly what was asked. */
export function matchMessageBody(request: MatchRequest): MatchMessageBody {
  return {
    queueId: request.queueId,
    ...(request.jobId !== undefined ? { jobId: request.jobId } : {}),
    ...(request.workerId !== undefined ? { workerId: request.workerId } : {}),
  };
}

export type ParsedMatchMessage = { ok: true; request: MatchRequest } | { ok: false; reason: string };

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

/**
 * Reads a received body into a MatchRequest, or says why it cannot be one (a poison message). The
 * Functions host hands the body over parsed when it is JSON text, as a string when it is other text,
 * and as bytes when it is binary; all three are read. Members other than the three are ignored, so a
 * producer of a later version that adds one does not poison this consumer during a rollout.
 */
export function parseMatchMessage(body: unknown): ParsedMatchMessage {
  let value = body;
  if (value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (error) {
      return { ok: false, reason: `the body is not JSON (${error instanceof Error ? error.message : String(error)})` };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `the body must be a JSON object { queueId, jobId?, workerId? }, got ${describe(value)}` };
  }
  const fields = value as Record<string, unknown>;
  const problems: string[] = [];
  const id = (name: keyof MatchRequest, required: boolean): string | undefined => {
    const member = fields[name];
    if (member === undefined && !required) return undefined;
    if (typeof member !== 'string') {
      problems.push(`${name} must be a string, got ${describe(member)}`);
      return undefined;
    }
    const problem = idProblem(member);
    if (problem !== undefined) problems.push(`${name} ${problem}`);
    return member;
  };
  const queueId = id('queueId', true);
  const jobId = id('jobId', false);
  const workerId = id('workerId', false);
  if (jobId !== undefined && workerId !== undefined) {
    problems.push('the body names both a jobId and a workerId; a request matches one job, one worker or the whole queue');
  }
  if (problems.length > 0 || queueId === undefined) return { ok: false, reason: problems.join('; ') };
  return { ok: true, request: matchMessageBody({ queueId, jobId, workerId }) };
}

export type MatchMessageOutcome = { outcome: 'matched'; request: MatchRequest; offers: number } | { outcome: 'poison'; reason: string };

/**
 * Handles one received match message, whatever host received it. A poison message is reported, not
 * run (retrying cannot fix it; the host decides how it is dead-lettered). A valid one runs matching for
 * its queue. Delivering the same message again is harmless: runMatching only makes an offer through
 * conditional writes against the job and worker as they are now, so a second run finds the offer
 * already made (or the worker full) and offers nothing more. Errors from matching (the store is
 * unreachable, say) are thrown, so the host retries the message.
 */
export async function handleMatchMessage(ports: RouterPorts, body: unknown): Promise<MatchMessageOutcome> {
  const parsed = parseMatchMessage(body);
  if (!parsed.ok) return { outcome: 'poison', reason: parsed.reason };
  return { outcome: 'matched', request: parsed.request, offers: await runMatching(ports, parsed.request) };
}
