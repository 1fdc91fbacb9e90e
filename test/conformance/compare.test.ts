import { compareEntity, compareList, compareValue, Renames, type CompareOptions } from './compare';

const options = (extra: Partial<CompareOptions> = {}): CompareOptions => ({ renames: new Renames(), exactErrorMessages: false, ...extra });

describe('the replay comparison', () => {
  const queue = { id: 'q', name: 'n', distributionPolicyId: 'd', labels: { Id: 'q' }, etag: '"1"' };

  it('accepts the same body with another quoted etag', () => {
    expect(compareEntity(queue, { ...queue, etag: '"2"' }, '$', options())).toEqual([]);
  });

  it('reports changed, missing and extra values and key order', () => {
    expect(compareEntity(queue, { ...queue, labels: { Id: 'x' } }, '$', options())).toEqual(['$.labels.Id: expected "q", got "x"']);
    const { name: _name, ...withoutName } = queue;
    expect(compareEntity(queue, withoutName, '$', options())).toEqual(['$.name: missing (recorded "n")']);
    expect(compareEntity(queue, { ...queue, exceptionPolicyId: 'e' }, '$', options())).toEqual(['$.exceptionPolicyId: not in the recording (got "e")']);
    expect(compareEntity({ a: 1, b: 2 }, { b: 2, a: 1 }, '$', options())).toEqual(['$: key order b,a, recorded a,b']);
    expect(compareEntity(queue, { ...queue, etag: 'unquoted' }, '$', options())).toEqual(['$.etag: expected a quoted etag, got "unquoted"']);
  });

  it('requires a server-made value to stay the same where the recording repeats it', () => {
    const renames = new Renames();
    expect(compareValue(queue, { ...queue, etag: '"A"' }, '$', options({ renames }))).toEqual([]);
    expect(compareValue(queue, { ...queue, etag: '"B"' }, '$', options({ renames }))).toEqual(['$.etag: the recording repeats etag "1", for which we answered "A" before, but now "B"']);
  });

  it('accepts any generated action id and any date-time in the wire format', () => {
    const policy = { exceptionRules: [{ actions: [{ kind: 'cancel', id: 'fd52fc91' }] }] };
    expect(compareValue(policy, { exceptionRules: [{ actions: [{ kind: 'cancel', id: 'other' }] }] }, '$', options())).toEqual([]);
    expect(compareValue(policy, { exceptionRules: [{ actions: [{ kind: 'cancel', id: '' }] }] }, '$', options())).toHaveLength(1);
    const job = { enqueuedAt: '2023-11-15T00:05:12.7032354+00:00' };
    expect(compareValue(job, { enqueuedAt: '2024-01-01T10:00:00.5+00:00' }, '$', options())).toEqual([]);
    expect(compareValue(job, { enqueuedAt: '2024-01-01T10:00:00.500Z' }, '$', options())).toHaveLength(1);
  });

  it('compares error messages exactly only where asked', () => {
    const error = { communicationError: { code: 'BadRequest', message: 'fixed', target: '/t', details: [{ code: 'C', message: 'fixed too' }] } };
    const ours = { communicationError: { code: 'BadRequest', message: 'more helpful', target: '/t', details: [{ code: 'C', message: 'also' }] } };
    expect(compareValue(error, ours, '$', options())).toEqual([]);
    expect(compareValue(error, ours, '$', options({ exactErrorMessages: true }))).toHaveLength(2);
    expect(compareValue(error, { communicationError: { ...ours.communicationError, target: '/u' } }, '$', options())).toEqual(['$.communicationError.target: expected "/t", got "/u"']);
  });

  it('matches list items by id and skips recorded items that never existed here', () => {
    const recorded = { value: [queue, { ...queue, id: 'foreign' }] };
    expect(compareList(recorded, { value: [queue] }, new Set(['q']), options())).toEqual({ diffs: [], foreign: ['foreign'] });
    expect(compareList(recorded, { value: [] }, new Set(['q']), options()).diffs).toEqual(['$.value[id=q]: missing (it exists in the replay and was not deleted)']);
    expect(compareList(recorded, { value: [queue, { ...queue, id: 'extra' }] }, new Set(['q']), options()).diffs).toHaveLength(1);
    expect(compareList(recorded, { value: [queue], nextLink: '/x' }, new Set(['q']), options()).diffs).toEqual(['$.nextLink: not in the recording (got "/x")']);
  });

  it('leaves out the pending keys of an entity', () => {
    const job = { id: 'j', status: 'queued', priority: 1 };
    expect(compareEntity(job, { id: 'j', status: 'pendingClassification', priority: 1 }, '$', options({ ignoreKeys: ['status'] }))).toEqual([]);
    expect(compareEntity(job, { id: 'j', status: 'pendingClassification', priority: 2 }, '$', options({ ignoreKeys: ['status'] }))).toEqual(['$.priority: expected 1, got 2']);
  });
});
