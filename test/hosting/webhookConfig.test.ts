import { ConfigError } from '../../shared/hosting/config';
import { DEFAULT_EVENT_TOPIC, readEventTopic, readWebhookSubscriptions } from '../../shared/hosting/webhookConfig';

const read = (webhooks: string, topic?: string) => readWebhookSubscriptions({ JOBROUTER_WEBHOOKS: webhooks, ...(topic === undefined ? {} : { JOBROUTER_EVENT_TOPIC: topic }) });

function refusal(webhooks: string): string {
  try {
    read(webhooks);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`JOBROUTER_WEBHOOKS=${webhooks} was accepted`);
}

describe('readWebhookSubscriptions', () => {
  it('has no webhooks when JOBROUTER_WEBHOOKS is unset or blank', () => {
    expect(readWebhookSubscriptions({})).toEqual([]);
    expect(read('  ')).toEqual([]);
  });

  it('reads a plain list of URLs separated by spaces, commas or new lines, naming them webhook1, webhook2, …', () => {
    expect(read('https://a.example/events, http://127.0.0.1:7071/api/hook?code=k\n https://c.example')).toEqual([
      { name: 'webhook1', url: 'https://a.example/events', topic: DEFAULT_EVENT_TOPIC },
      { name: 'webhook2', url: 'http://127.0.0.1:7071/api/hook?code=k', topic: DEFAULT_EVENT_TOPIC },
      { name: 'webhook3', url: 'https://c.example', topic: DEFAULT_EVENT_TOPIC },
    ]);
  });

  it('reads a JSON array of subscriptions, with or without the Microsoft.Communication. prefix on event types', () => {
    const subscriptions = read(
      JSON.stringify([
        { name: 'crm', url: 'https://crm.example/hook', eventTypes: ['RouterJobReceived', 'Microsoft.Communication.RouterWorkerOfferIssued'], schema: 'cloudEvents', maxEventsPerBatch: 50 },
        { url: 'https://b.example/hook', schema: 'eventGrid' },
      ]),
      '/subscriptions/s/resourceGroups/g/providers/Microsoft.Communication/communicationServices/acs',
    );
    const topic = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Communication/communicationServices/acs';
    expect(subscriptions).toEqual([
      { name: 'crm', url: 'https://crm.example/hook', eventTypes: ['RouterJobReceived', 'RouterWorkerOfferIssued'], schema: 'cloudEvents', maxEventsPerBatch: 50, topic },
      { name: 'webhook2', url: 'https://b.example/hook', schema: 'eventGrid', topic },
    ]);
  });

  it.each([
    ['not a URL', 'not-a-url', 'JOBROUTER_WEBHOOKS entry 1: "url" must be an absolute http or https URL such as https://example.com/events, not "not-a-url".'],
    ['another scheme', 'https://ok.example ftp://files.example/x', 'JOBROUTER_WEBHOOKS entry 2: "url" must be an absolute http or https URL such as https://example.com/events, not "ftp://files.example/x".'],
    ['a missing URL', '[{"name": "a"}]', 'JOBROUTER_WEBHOOKS entry 1: "url" must be an absolute http or https URL such as https://example.com/events; it is missing.'],
    ['a duplicate name', '[{"name": "crm", "url": "https://a.example"}, {"name": "crm", "url": "https://b.example"}]', 'JOBROUTER_WEBHOOKS: two webhooks are named "crm"; give each a different "name".'],
    ['a name taken by a default', '[{"url": "https://a.example"}, {"name": "webhook1", "url": "https://b.example"}]', 'JOBROUTER_WEBHOOKS: two webhooks are named "webhook1"; give each a different "name".'],
    ['a batch of 0', '[{"url": "https://a.example", "maxEventsPerBatch": 0}]', 'JOBROUTER_WEBHOOKS entry 1: "maxEventsPerBatch" must be a whole number from 1 to 5000, not 0.'],
    ['a batch of 5001', '[{"url": "https://a.example", "maxEventsPerBatch": 5001}]', 'JOBROUTER_WEBHOOKS entry 1: "maxEventsPerBatch" must be a whole number from 1 to 5000, not 5001.'],
    ['a fractional batch', '[{"url": "https://a.example", "maxEventsPerBatch": 2.5}]', 'JOBROUTER_WEBHOOKS entry 1: "maxEventsPerBatch" must be a whole number from 1 to 5000, not 2.5.'],
    ['a batch given as text', '[{"url": "https://a.example", "maxEventsPerBatch": "10"}]', 'JOBROUTER_WEBHOOKS entry 1: "maxEventsPerBatch" must be a whole number from 1 to 5000, not "10".'],
    ['an unknown schema', '[{"url": "https://a.example", "schema": "CloudEventSchemaV1_0"}]', 'JOBROUTER_WEBHOOKS entry 1: "schema" must be one of eventGrid, cloudEvents, not "CloudEventSchemaV1_0".'],
    ['an unknown field', '[{"url": "https://a.example", "eventType": ["RouterJobReceived"]}]', 'JOBROUTER_WEBHOOKS entry 1 has unknown field(s) "eventType"; the fields are name, url, eventTypes, schema, maxEventsPerBatch.'],
    ['an empty type list', '[{"url": "https://a.example", "eventTypes": []}]', 'JOBROUTER_WEBHOOKS entry 1: "eventTypes" must be a non-empty list of event type names, e.g. ["RouterJobReceived", "RouterWorkerOfferIssued"]; leave it out to receive every type.'],
    ['a name with spaces', '[{"name": "my hook", "url": "https://a.example"}]', 'JOBROUTER_WEBHOOKS entry 1: "name" must be 1 to 64 letters, digits, "-" or "_" (it names the subscription in headers and in the delivery state), not "my hook".'],
    ['an entry that is not an object', '["https://a.example"]', 'JOBROUTER_WEBHOOKS entry 1 must be an object such as {"url": "https://example.com/events"}.'],
    ['a single object', '{"url": "https://a.example"}', 'JOBROUTER_WEBHOOKS must be a JSON array of webhooks, e.g. [{"url": "https://example.com/events"}], not a single object.'],
  ])('refuses %s and says what to fix', (_case, webhooks, message) => {
    expect(refusal(webhooks)).toBe(message);
  });

  it('refuses JSON it cannot parse, pointing at both accepted forms', () => {
    expect(refusal('[{"url": "https://a.example",}]')).toMatch(/^JOBROUTER_WEBHOOKS is not valid JSON \(.+\); give a JSON array such as \[\{"url": "https:\/\/example.com\/events"\}\], or URLs separated by spaces or commas\.$/);
  });

  it('refuses an unknown event type, listing the 22 valid names', () => {
    const message = refusal('[{"url": "https://a.example", "eventTypes": ["RouterJobReceived", "RouterJobWorkerSelectorsExpire"]}]');
    expect(message).toMatch(/^JOBROUTER_WEBHOOKS entry 1: unknown event type "RouterJobWorkerSelectorsExpire"; the types are RouterJobReceived, RouterJobClassified, .*, RouterWorkerUpdated\.$/);
    expect(message.split(', ')).toHaveLength(22);
  });
});

describe('readEventTopic', () => {
  it('is /jobrouter/embedded unless JOBROUTER_EVENT_TOPIC says otherwise', () => {
    expect(readEventTopic({})).toBe('/jobrouter/embedded');
    expect(readEventTopic({ JOBROUTER_EVENT_TOPIC: '' })).toBe('/jobrouter/embedded');
    expect(readEventTopic({ JOBROUTER_EVENT_TOPIC: 'https://router.example/events' })).toBe('https://router.example/events');
  });

  it('refuses a topic with spaces (it is the CloudEvents source, a URI reference)', () => {
    expect(() => readEventTopic({ JOBROUTER_EVENT_TOPIC: 'my router' })).toThrow(new ConfigError('JOBROUTER_EVENT_TOPIC="my router" must not contain spaces; use a path such as /jobrouter/embedded.'));
  });
});
