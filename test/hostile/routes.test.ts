import fc from 'fast-check';
import { routeTable } from '../../shared/http/routeTable';
import { propertyParameters, HOSTILE_TIMEOUT_MS } from './hostileBudget';
import { HostileRouter, type HostileAnswer } from './hostileRouter';
import { requestsFor, type HostileRequest } from './hostileRequests';

/**
 * Property: whatever a client sends to any operation of the route table (generated ids, query,
 * headers and body; signed, unsigned or signed with another key) over real HTTP, the router
 *   - never answers 5xx,
 *   - answers every 4xx with the JSON `communicationError` body,
 *   - answers 401 to every request that is not signed with its key, whatever else is wrong,
 *   - changes nothing in the store when it refuses (snapshot before and after),
 *   - logs no failure.
 * Budget and seed: hostileBudget.ts.
 */

function problems(request: HostileRequest, answer: HostileAnswer, changed: boolean): string[] {
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

describe('hostile requests over every route', () => {
  let hostile: HostileRouter;

  beforeAll(async () => {
    hostile = await HostileRouter.start();
  });
  afterAll(async () => {
    await hostile.close();
  });

  it.each(routeTable.map((operation) => [`${operation.method} ${operation.path}`, operation] as const))(
    '%s',
    async (_name, operation) => {
      await fc.assert(
        fc.asyncProperty(requestsFor(operation, hostile.known), async (request) => {
          await hostile.settle();
          const before = await hostile.snapshot();
          const answer = await hostile.send(request);
          await hostile.settle();
          const changed = answer.status >= 400 && (await hostile.snapshot()) !== before;
          const found = problems(request, answer, changed);
          const failures = hostile.logger.lines.filter((line) => line.level === 'error');
          if (failures.length > 0) found.push(`logged: ${failures.map((line) => `${line.message} ${JSON.stringify(line.fields).slice(0, 300)}`).join('; ')}`);
          hostile.logger.lines.length = 0;
          if (found.length > 0) throw new Error(`${found.join('\n')}\nanswer: ${answer.status} ${answer.text.slice(0, 300)}`);
        }),
        propertyParameters,
      );
    },
    HOSTILE_TIMEOUT_MS,
  );
});
