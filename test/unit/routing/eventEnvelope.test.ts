import { EVENT_TYPE_PREFIX, toCloudEvent, toEventGridEnvelope } from '../../../shared/domain/routing/eventEnvelope';
import { isRouterEventType, ROUTER_EVENT_TYPES } from '../../../shared/domain/routing/routerEventTypes';
import type { RouterEvent } from '../../../shared/ports/EventPublisher';

const TOPIC = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Communication/communicationServices/acs';

const event: RouterEvent = {
  id: '1027db4a-17fe-4a7f-ae67-276c3120a29f',
  type: 'RouterWorkerOfferIssued',
  subject: 'worker/w100/job/j7',
  time: '2022-02-17T00:55:25.173Z',
  data: { workerId: 'w100', jobId: 'j7', offerId: 'o1', jobPriority: 5 },
};

describe('toEventGridEnvelope', () => {
  it('is the Event Grid schema event of the reference sample, members in its order', () => {
    const envelope = toEventGridEnvelope(event, TOPIC);
    expect(Object.keys(envelope)).toEqual(['id', 'topic', 'subject', 'data', 'eventType', 'dataVersion', 'metadataVersion', 'eventTime']);
    expect(envelope).toEqual({
      id: event.id,
      topic: TOPIC,
      subject: 'worker/w100/job/j7',
      data: event.data,
      eventType: 'Microsoft.Communication.RouterWorkerOfferIssued',
      dataVersion: '1.0',
      metadataVersion: '1',
      eventTime: '2022-02-17T00:55:25.173Z',
    });
  });

  it('leaves out data members without a value once serialized, as subscribers see it', () => {
    const json = JSON.stringify(toEventGridEnvelope({ ...event, data: { workerId: 'w', note: undefined } }, TOPIC));
    expect(JSON.parse(json).data).toEqual({ workerId: 'w' });
  });
});

describe('toCloudEvent', () => {
  it('is a CloudEvents 1.0 JSON event with the source in the topic’s place', () => {
    const cloudEvent = toCloudEvent(event, TOPIC);
    expect(Object.keys(cloudEvent)).toEqual(['specversion', 'id', 'source', 'subject', 'type', 'time', 'datacontenttype', 'data']);
    expect(cloudEvent).toEqual({
      specversion: '1.0',
      id: event.id,
      source: TOPIC,
      subject: 'worker/w100/job/j7',
      type: 'Microsoft.Communication.RouterWorkerOfferIssued',
      time: '2022-02-17T00:55:25.173Z',
      datacontenttype: 'application/json',
      data: event.data,
    });
  });
});

describe('router event types', () => {
  it('are the 22 of the reference, each named Microsoft.Communication.<type> on the wire', () => {
    expect(ROUTER_EVENT_TYPES).toHaveLength(22);
    expect(new Set(ROUTER_EVENT_TYPES).size).toBe(22);
    expect(ROUTER_EVENT_TYPES.filter((t) => t.startsWith('RouterJob'))).toHaveLength(13);
    expect(ROUTER_EVENT_TYPES.filter((t) => t.startsWith('RouterWorker'))).toHaveLength(9);
    expect(EVENT_TYPE_PREFIX).toBe('Microsoft.Communication.');
  });

  it('tells a router event type from any other name', () => {
    expect(isRouterEventType('RouterJobWorkerSelectorsExpired')).toBe(true);
    expect(isRouterEventType('RouterJobWorkerSelectorsExpire')).toBe(false);
    expect(isRouterEventType('Microsoft.Communication.RouterJobReceived')).toBe(false);
    expect(isRouterEventType('toString')).toBe(false);
  });
});
