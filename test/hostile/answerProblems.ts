import type { HostileRequest } from './hostileRequests';
import type { HostileAnswer } from './hostileRouter';

/**
 * What is wrong with an answer to a hostile request, as readable lines (none when it is right):
 * a 5xx; anything but 401 to a request not signed with the router's key; a 4xx without the JSON
 * `communicationError` body; a refusal that changed the store.
 */
export function answerProblems(request: Pick<HostileRequest, 'auth'>, answer: HostileAnswer, changed: boolean): string[] {
  const out: string[] = [];
  if (answer.status >= 500) out.push(`answered ${answer.status}`);
  if (request.auth !== 'signed' && answer.status !== 401) out.push(`${request.auth} request answered ${answer.status}, not 401`);
  if (answer.status >= 400) {
    let error: { code?: unknown; message?: unknown; target?: unknown } | undefined;
    try {
      error = (JSON.parse(answer.text) as { communicationError?: typeof error }).communicationError;
    } catch {
      error = undefined;
    }
    if (!answer.contentType.startsWith('application/json')) out.push(`content-type ${answer.contentType}`);
    if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || error.message === '' || typeof error.target !== 'string') out.push(`no communicationError body: ${answer.text.slice(0, 200)}`);
    if (changed) out.push('the store changed although the request was refused');
  }
  return out;
}
