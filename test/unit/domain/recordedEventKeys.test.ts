import fc from 'fast-check';
import { recordedEventKeys, type RecordedEventBody } from '../../../shared/domain/routing/eventHistory';

/** The keys as first written, with entries, filters and maps: the one-pass form must answer the same. */
function reference(body: RecordedEventBody): Record<string, unknown> {
  const keys: Record<string, unknown> = { type: body.type, time: body.time };
  if (typeof body.data['jobId'] === 'string') keys['jobId'] = body.data['jobId'];
  if (typeof body.data['workerId'] === 'string') keys['workerId'] = body.data['workerId'];
  const delivery = Object.entries(body._delivery ?? {});
  const pendingFor = body._awaiting ? [] : delivery.filter(([, d]) => !d.deliveredAt && !d.deadLetteredAt).map(([name]) => name);
  const deadFor = delivery.filter(([, d]) => d.deadLetteredAt).map(([name]) => name);
  if (pendingFor.length > 0) keys['pendingFor'] = pendingFor;
  if (deadFor.length > 0) keys['deadFor'] = deadFor;
  if (body._awaiting) keys['awaiting'] = true;
  return keys;
}

const at = fc.option(fc.constant('2026-01-05T09:00:00.000Z'), { nil: undefined });
const state = fc.record({ attempts: fc.nat(5), deliveredAt: at, deadLetteredAt: at }, { requiredKeys: ['attempts'] });
const body = fc.record(
  {
    id: fc.string(),
    type: fc.constantFrom('RouterJobQueued', 'RouterWorkerRegistered'),
    subject: fc.string(),
    time: fc.string(),
    data: fc.record({ jobId: fc.oneof(fc.string(), fc.integer()), workerId: fc.string() }, { requiredKeys: [] }),
    _delivery: fc.dictionary(fc.constantFrom('desk', 'audit', 'hook', '1', 'stream'), state),
    _awaiting: fc.record({ collection: fc.constantFrom('jobs' as const, 'workers' as const), id: fc.string(), etag: fc.string() }),
  },
  { requiredKeys: ['id', 'type', 'subject', 'time', 'data'] },
);

describe('recordedEventKeys', () => {
  it('answers what the entries-and-filters form answered, in the same key order', () => {
    fc.assert(
      fc.property(body, (recorded) => {
        const keys = recordedEventKeys(recorded);
        expect(keys).toStrictEqual(reference(recorded as RecordedEventBody));
        expect(Object.keys(keys)).toEqual(Object.keys(reference(recorded as RecordedEventBody)));
      }),
      { numRuns: 1_000 },
    );
  });
});
