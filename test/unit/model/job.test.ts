import { validateJob } from '../../../shared/domain/model';
import { errorsOf, expectError, expectOnlyError, valueOf } from './helpers';

describe('validateJob', () => {
  it('accepts the body the JS SDK sent (recording should_create_a_job)', () => {
    const body = {
      channelId: 'test-channel',
      priority: 1,
      classificationPolicyId: 'test-c-policy-recorded-jobs',
      queueId: 'test-a-queue-recorded-jobs',
      labels: {},
      notes: [],
      matchingMode: { kind: 'queueAndMatch' },
    };
    expect(valueOf(validateJob(body))).toEqual(body);
  });

  it('accepts the Swagger example Jobs_CreateScheduledJob', () => {
    const body = {
      channelId: 'CustomChatChannel',
      channelReference: '1d5896f3-8b54-40be-82d3-910323f5e2af',
      queueId: 'MainQueue',
      priority: 5,
      requestedWorkerSelectors: [{ key: 'Sales', labelOperator: 'equal', value: true }],
      labels: {},
      matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '2023-05-26T23:22:12.0774222+00:00' },
    };
    expect(valueOf(validateJob(body))).toEqual(body);
  });

  it('normalises the kebab-case matching mode the .NET and Python SDKs sent, keeping the date as given', () => {
    const value = valueOf(validateJob({ matchingMode: { kind: 'schedule-and-suspend', scheduleAt: '2100-01-01T01:01:01.0000000Z' } }));
    expect(value.matchingMode).toEqual({ kind: 'scheduleAndSuspend', scheduleAt: '2100-01-01T01:01:01.0000000Z' });
  });

  it.each([
    ['queue-and-match', 'queueAndMatch'],
    ['suspend', 'suspend'],
  ])('normalises the matching mode kind %s', (kind, camel) => {
    expect(valueOf(validateJob({ matchingMode: { kind } })).matchingMode).toEqual({ kind: camel });
  });

  it('accepts notes, tags, labels and worker selectors with every optional field', () => {
    const body = {
      channelReference: 'call-1',
      dispositionCode: 'Resolved',
      tags: { crm: 'c-42', attempts: 2 },
      labels: { Language: 'en', Urgent: true },
      notes: [{ message: 'first', addedAt: '2023-11-15T00:05:12.7032354+00:00' }, { message: 'second' }],
      requestedWorkerSelectors: [{ key: 'English', labelOperator: 'greaterThan', value: 5, expiresAfterSeconds: 60, expedite: true }],
    };
    expect(valueOf(validateJob(body))).toEqual(body);
  });

  it('drops read-only members', () => {
    const value = valueOf(
      validateJob({
        id: 'j', etag: '"e"', status: 'queued', enqueuedAt: '2023-11-15T00:05:12.7032354+00:00', assignments: {}, attachedWorkerSelectors: [],
        scheduledAt: '2023-11-15T00:05:12Z', priority: 3,
        requestedWorkerSelectors: [{ key: 'k', labelOperator: 'equal', status: 'active', expiresAt: '2023-11-15T00:05:12Z' }],
      }),
    );
    expect(value).toEqual({ priority: 3, requestedWorkerSelectors: [{ key: 'k', labelOperator: 'equal' }] });
  });

  it.each([[101], [-101], [1.5], ['high'], [true], [Number.NaN]])('refuses the priority %p', (priority: unknown) => {
    expectOnlyError(validateJob({ priority }), 'priority', 'expected an integer between -100 and 100');
  });

  it('says what was sent for a wrong priority', () => {
    expectOnlyError(validateJob({ priority: 'high' }), 'priority', 'expected an integer between -100 and 100, got "high"');
  });

  it('accepts the priority bounds', () => {
    expect(valueOf(validateJob({ priority: -100 })).priority).toBe(-100);
    expect(valueOf(validateJob({ priority: 100 })).priority).toBe(100);
  });

  it('requires scheduleAt for the scheduleAndSuspend mode', () => {
    expectOnlyError(validateJob({ matchingMode: { kind: 'scheduleAndSuspend' } }), 'matchingMode.scheduleAt', 'is required');
  });

  it.each(['2024-01-01', '2024-01-01T00:00:00', '2024-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:00.12345678Z', 'tomorrow'])(
    'refuses the scheduleAt %p',
    (scheduleAt) => {
      expectOnlyError(validateJob({ matchingMode: { kind: 'scheduleAndSuspend', scheduleAt } }), 'matchingMode.scheduleAt', 'must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z');
    },
  );

  it('reports an unknown matching mode kind', () => {
    expectOnlyError(validateJob({ matchingMode: { kind: 'later' } }), 'matchingMode.kind', 'unknown job matching mode kind "later"; expected one of queueAndMatch, scheduleAndSuspend, suspend');
  });

  it('validates the ids the job refers to', () => {
    const result = validateJob({ queueId: 'a/b', classificationPolicyId: 'c#d', channelId: 'voice\n' });
    expectError(result, 'queueId', 'must not contain "/"');
    expectError(result, 'classificationPolicyId', 'must not contain "#"');
    expectError(result, 'channelId', 'must not contain control characters');
  });

  it('validates notes', () => {
    const result = validateJob({ notes: [null, {}, { message: 'x'.repeat(2001) }, { message: 'ok', addedAt: 'now' }, { message: 'ok', addedAt: null }] });
    expectError(result, 'notes[0]', 'expected an object, got null');
    expectError(result, 'notes[1].message', 'is required');
    expectError(result, 'notes[2].message', 'at most 2000 characters');
    expectError(result, 'notes[3].addedAt', 'must be an RFC 3339 date-time');
    expect(errorsOf(result)).toHaveLength(4);
  });

  it('refuses a notes map (the 2022 preview shape)', () => {
    expectOnlyError(validateJob({ notes: { '2023-01-01T00:00:00Z': 'hello' } }), 'notes', 'expected an array, got an object');
  });

  it('validates labels, tags and the disposition code', () => {
    const result = validateJob({ labels: { a: [1] }, tags: { b: null }, dispositionCode: 'x'.repeat(501), channelReference: 7 });
    expectError(result, 'labels.a', 'label values must be a string, number or boolean');
    expectError(result, 'tags.b', 'label values must be a string, number or boolean, got null');
    expectError(result, 'dispositionCode', 'at most 500 characters');
    expectError(result, 'channelReference', 'expected a string, got 7');
  });

  it('validates requested worker selectors', () => {
    const result = validateJob({ requestedWorkerSelectors: [{ key: 'k', labelOperator: 'equal', expiresAfterSeconds: -1, expedite: 'yes', value: {} }, null] });
    expectError(result, 'requestedWorkerSelectors[0].expiresAfterSeconds', 'expected a number greater than 0 and at most 315360000, got -1');
    expectError(result, 'requestedWorkerSelectors[0].expedite', 'expected true or false');
    expectError(result, 'requestedWorkerSelectors[0].value', 'label values must be');
    expectError(result, 'requestedWorkerSelectors[1]', 'expected an object, got null');
  });
});
