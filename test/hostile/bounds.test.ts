import fc from 'fast-check';
import { BOUND_SHAPES, ENABLED_BOUND_SHAPES, boundShapesToRun, type ShapedRequest } from './boundShapes';
import { HOSTILE_RUNS, HOSTILE_SEED, HOSTILE_TIMEOUT_MS } from './hostileBudget';
import { HostileRouter } from './hostileRouter';
import { answerProblems } from './answerProblems';
import { storeDifference } from './storeDifference';

/**
 * Property, per input shape that needs a bound (boundShapes.ts): whatever the shape, signed requests
 * get no 5xx, a JSON error body on a 4xx, no store change on refusal, a label kept when the write is
 * accepted, and the router still answers afterwards (a wedged timer loop or event loop shows as this
 * test's timeout).
 */

const shapes = boundShapesToRun();

/** Label and tag names the request sent that the stored resource no longer has. */
async function droppedLabels(hostile: HostileRouter, shaped: ShapedRequest, status: number): Promise<string[]> {
  const stored = JSON.parse((await hostile.send({ method: 'GET', path: shaped.path, headers: {}, auth: 'signed' })).text) as Record<string, unknown>;
  const sent = JSON.parse(shaped.body) as Record<string, unknown>;
  const out: string[] = [];
  for (const field of ['labels', 'tags']) {
    const names = sent[field] && typeof sent[field] === 'object' ? Object.keys(sent[field]) : [];
    const kept = stored[field] && typeof stored[field] === 'object' ? Object.keys(stored[field]) : [];
    for (const label of names) if (!kept.includes(label)) out.push(`accepted (${status}) but dropped ${field}.${label}`);
  }
  return out;
}

describe('input shapes that need bounds', () => {
  let hostile: HostileRouter;

  beforeAll(async () => {
    if (shapes.length > 0) hostile = await HostileRouter.start();
  });
  afterAll(async () => {
    if (shapes.length > 0) await hostile.close();
  });

  it('enables only shapes that exist', () => {
    for (const name of ENABLED_BOUND_SHAPES) expect(Object.keys(BOUND_SHAPES)).toContain(name);
  });

  it.each(shapes.map((name) => [name]))(
    '%s',
    async (name) => {
      await fc.assert(
        fc.asyncProperty(BOUND_SHAPES[name] as fc.Arbitrary<ShapedRequest[]>, async (sequence) => {
          const found: string[] = [];
          for (const shaped of sequence) {
            await hostile.settle();
            const before = await hostile.snapshot();
            const answer = await hostile.send({ ...shaped, headers: { 'content-type': shaped.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }, auth: 'signed' });
            await hostile.settle();
            const difference = answer.status >= 400 ? storeDifference(before, await hostile.snapshot()) : [];
            const problems = answerProblems({ auth: 'signed' }, answer, difference.length > 0);
            if (name === 'prototypeLabels' && answer.status < 300 && shaped.method === 'PATCH') problems.push(...(await droppedLabels(hostile, shaped, answer.status)));
            if (problems.length > 0) found.push(`${problems.join('\n')}\nrequest: ${shaped.method} ${shaped.path.slice(0, 120)} ${shaped.body.slice(0, 200)}\nanswer: ${answer.status} ${answer.text.slice(0, 300)}\n${difference.join('\n')}`);
          }
          const alive = await hostile.send({ method: 'GET', path: '/routing/queues?api-version=2023-11-01', headers: {}, auth: 'signed' });
          if (alive.status !== 200) found.push(`the router answered ${alive.status} to a GET afterwards`);
          if (found.length > 0) throw new Error(found.join('\n'));
        }),
        { seed: HOSTILE_SEED, numRuns: Math.min(HOSTILE_RUNS, 25), endOnFailure: true },
      );
    },
    HOSTILE_TIMEOUT_MS,
  );
});
