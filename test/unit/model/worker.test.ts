import { validateWorker } from '../../../shared/domain/model';
import { errorsOf, expectError, expectOnlyError, valueOf } from './helpers';

describe('validateWorker', () => {
  it('accepts the body the JS SDK sent and drops the id (recording should_update_a_worker)', () => {
    const body = {
      id: 'test-worker-recorded-workers',
      capacity: 100,
      availableForOffers: false,
      queues: ['test-a-queue-recorded-workers'],
      channels: [{ channelId: 'test-channel', capacityCostPerJob: 1 }],
      labels: { label1: 'label1value' },
      tags: { tag1: 'tag1value' },
    };
    const { id: _id, ...expected } = body;
    expect(valueOf(validateWorker(body))).toEqual(expected);
  });

  it('accepts the Swagger example Workers_CreateWorker', () => {
    const body = {
      capacity: 10,
      queues: ['MainQueue'],
      labels: {},
      tags: {},
      channels: [
        { channelId: 'CustomChatChannel', capacityCostPerJob: 11, maxNumberOfJobs: 4 },
        { channelId: 'CustomVoiceChannel', capacityCostPerJob: 10, maxNumberOfJobs: 1 },
      ],
      availableForOffers: false,
    };
    expect(valueOf(validateWorker(body))).toEqual(body);
  });

  it('accepts maxConcurrentOffers (2024-01-18-preview) and empty collections', () => {
    const body = { maxConcurrentOffers: 2, queues: [], channels: [] };
    expect(valueOf(validateWorker(body))).toEqual(body);
  });

  it('drops read-only members (state, offers, assignedJobs, loadRatio, etag) and preview-only shapes', () => {
    const value = valueOf(
      validateWorker({
        etag: '"e"', state: 'active', offers: [], assignedJobs: [], loadRatio: 0.5, capacity: 1,
        totalCapacity: 5, queueAssignments: { q: {} }, channelConfigurations: { voice: { capacityCostPerJob: 1 } },
      }),
    );
    expect(value).toEqual({ capacity: 1 });
  });

  it('removes duplicate queues, keeping the first occurrence order', () => {
    expect(valueOf(validateWorker({ queues: ['b', 'a', 'b', 'c', 'a'] })).queues).toEqual(['b', 'a', 'c']);
  });

  it('validates queue ids', () => {
    const result = validateWorker({ queues: ['ok', '', 'x/y', null, 5] });
    expectError(result, 'queues[1]', 'must not be empty');
    expectError(result, 'queues[2]', 'must not contain "/"');
    expectError(result, 'queues[3]', 'expected a string, got null');
    expectError(result, 'queues[4]', 'expected a string, got 5');
    expect(errorsOf(result)).toHaveLength(4);
  });

  it.each([[-1], [2147483648], [0.5], ['10']])('refuses the capacity %p', (capacity: unknown) => {
    expectOnlyError(validateWorker({ capacity }), 'capacity', 'expected an integer between 0 and 2147483647');
  });

  it('accepts a capacity of 0', () => {
    expect(valueOf(validateWorker({ capacity: 0 })).capacity).toBe(0);
  });

  it('validates channels', () => {
    const result = validateWorker({
      channels: [
        {},
        { channelId: 'a:b', capacityCostPerJob: -1 },
        { channelId: 'chat', capacityCostPerJob: 2147483648, maxNumberOfJobs: 0 },
        null,
      ],
    });
    expectError(result, 'channels[0].channelId', 'is required');
    expectError(result, 'channels[0].capacityCostPerJob', 'is required');
    expectError(result, 'channels[1].channelId', 'must not contain ":"');
    expectError(result, 'channels[1].capacityCostPerJob', 'expected an integer between 0 and 2147483647, got -1');
    expectError(result, 'channels[2].capacityCostPerJob', 'got 2147483648');
    expectError(result, 'channels[2].maxNumberOfJobs', 'expected an integer between 1 and 2147483647, got 0');
    expectError(result, 'channels[3]', 'expected an object, got null');
  });

  it('treats null maxNumberOfJobs inside a channel as absent', () => {
    expect(valueOf(validateWorker({ channels: [{ channelId: 'voice', capacityCostPerJob: 1, maxNumberOfJobs: null }] })).channels).toEqual([
      { channelId: 'voice', capacityCostPerJob: 1 },
    ]);
  });

  it('refuses the same channelId twice', () => {
    expectOnlyError(
      validateWorker({ channels: [{ channelId: 'voice', capacityCostPerJob: 1 }, { channelId: 'chat', capacityCostPerJob: 1 }, { channelId: 'voice', capacityCostPerJob: 2 }] }),
      'channels[2].channelId',
      'duplicate channelId "voice"',
    );
  });

  it('validates availableForOffers and maxConcurrentOffers', () => {
    const result = validateWorker({ availableForOffers: 'true', maxConcurrentOffers: 0 });
    expectError(result, 'availableForOffers', 'expected true or false, got "true"');
    expectError(result, 'maxConcurrentOffers', 'expected an integer between 1 and 2147483647, got 0');
  });

  it('validates labels and tags', () => {
    const result = validateWorker({ labels: { skills: ['a', 'b'] }, tags: 'vip' });
    expectError(result, 'labels.skills', 'label values must be a string, number or boolean, got an array');
    expectError(result, 'tags', 'expected an object, got "vip"');
  });
});
