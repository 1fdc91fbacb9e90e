import fc from 'fast-check';
import { routeTable } from '../../shared/http/routeTable';
import { propertyParameters, HOSTILE_TIMEOUT_MS } from './hostileBudget';
import { HostileRouter } from './hostileRouter';
import { requestsFor } from './hostileRequests';
import { answerProblems } from './answerProblems';
import { storeDifference } from './storeDifference';

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
          const difference = answer.status >= 400 ? storeDifference(before, await hostile.snapshot()) : [];
          const changed = difference.length > 0;
          const found = answerProblems(request, answer, changed);
          const failures = hostile.logger.lines.filter((line) => line.level === 'error');
          if (failures.length > 0) found.push(`logged: ${failures.map((line) => `${line.message} ${JSON.stringify(line.fields).slice(0, 300)}`).join('; ')}`);
          hostile.logger.lines.length = 0;
          if (found.length > 0) throw new Error(`${found.join('\n')}\nanswer: ${answer.status} ${answer.text.slice(0, 300)}${changed ? `\nchanged: ${difference.join('\n')}` : ''}`);
        }),
        propertyParameters,
      );
    },
    HOSTILE_TIMEOUT_MS,
  );
});
