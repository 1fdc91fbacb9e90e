import { EVENT_TYPE_PREFIX } from '../domain/routing/eventEnvelope';
import { isRouterEventType, ROUTER_EVENT_TYPES } from '../domain/routing/routerEventTypes';
import type { RouterEventType } from '../ports/EventPublisher';
import { MAX_EVENTS_PER_BATCH, type WebhookChannelOptions, type WebhookSchema } from '../adapters/http/WebhookChannel';
import { DEFAULT_EVENT_TOPIC } from '../http/handleRequest';
import { ConfigError } from './config';

export const WEBHOOK_SETTINGS = {
  webhooks: 'JOBROUTER_WEBHOOKS',
  topic: 'JOBROUTER_EVENT_TOPIC',
} as const;

// The `topic` of delivered events when JOBROUTER_EVENT_TOPIC is unset; the event endpoints use it too.
export { DEFAULT_EVENT_TOPIC } from '../http/handleRequest';

const SCHEMAS: readonly WebhookSchema[] = ['eventGrid', 'cloudEvents'];
const ENTRY_KEYS = ['name', 'url', 'eventTypes', 'schema', 'maxEventsPerBatch'] as const;

/** The webhook subscriptions, each ready to become a WebhookChannel; none when JOBROUTER_WEBHOOKS is unset. */
export function readWebhookSubscriptions(env: NodeJS.ProcessEnv = process.env): WebhookChannelOptions[] {
  const raw = env[WEBHOOK_SETTINGS.webhooks]?.trim() ?? '';
  if (raw === '') return [];
  const topic = readEventTopic(env);
  const entries = raw.startsWith('[') || raw.startsWith('{') ? parseJsonList(raw) : raw.split(/[\s,]+/).filter(Boolean).map((url) => ({ url }));
  const subscriptions = entries.map((entry, index) => subscription(entry, index, topic));
  const seen = new Set<string>();
  for (const { name } of subscriptions) {
    if (seen.has(name)) throw new ConfigError(`${WEBHOOK_SETTINGS.webhooks}: two webhooks are named "${name}"; give each a different "name".`);
    seen.add(name);
  }
  return subscriptions;
}

export function readEventTopic(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env[WEBHOOK_SETTINGS.topic]?.trim() ?? '';
  if (raw === '') return DEFAULT_EVENT_TOPIC;
  // It becomes the CloudEvents `source`, a URI reference: no spaces or control characters.
  if (/\s/.test(raw) || [...raw].some((ch) => ch.charCodeAt(0) < 0x20)) throw new ConfigError(`${WEBHOOK_SETTINGS.topic}="${raw}" must not contain spaces; use a path such as ${DEFAULT_EVENT_TOPIC}.`);
  return raw;
}

function parseJsonList(raw: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(`${WEBHOOK_SETTINGS.webhooks} is not valid JSON (${(error as Error).message}); give a JSON array such as [{"url": "https://example.com/events"}], or URLs separated by spaces or commas.`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(`${WEBHOOK_SETTINGS.webhooks} must be a JSON array of webhooks, e.g. [{"url": "https://example.com/events"}], not a single object.`);
  return parsed;
}

function subscription(entry: unknown, index: number, topic: string): WebhookChannelOptions {
  const where = `${WEBHOOK_SETTINGS.webhooks} entry ${index + 1}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ConfigError(`${where} must be an object such as {"url": "https://example.com/events"}.`);
  const fields = entry as Record<string, unknown>;
  const extra = Object.keys(fields).filter((key) => !(ENTRY_KEYS as readonly string[]).includes(key));
  if (extra.length > 0) throw new ConfigError(`${where} has unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')}; the fields are ${ENTRY_KEYS.join(', ')}.`);
  const name = fields.name === undefined ? `webhook${index + 1}` : fields.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new ConfigError(`${where}: "name" must be 1 to 64 letters, digits, "-" or "_" (it names the subscription in headers and in the delivery state), not ${JSON.stringify(name)}.`);
  }
  const result: WebhookChannelOptions = { name, url: webhookUrl(where, fields.url), topic };
  if (fields.eventTypes !== undefined) result.eventTypes = eventTypes(where, fields.eventTypes);
  if (fields.schema !== undefined) {
    if (!SCHEMAS.includes(fields.schema as WebhookSchema)) throw new ConfigError(`${where}: "schema" must be one of ${SCHEMAS.join(', ')}, not ${JSON.stringify(fields.schema)}.`);
    result.schema = fields.schema as WebhookSchema;
  }
  if (fields.maxEventsPerBatch !== undefined) {
    const size = fields.maxEventsPerBatch;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_EVENTS_PER_BATCH) {
      throw new ConfigError(`${where}: "maxEventsPerBatch" must be a whole number from 1 to ${MAX_EVENTS_PER_BATCH}, not ${JSON.stringify(size)}.`);
    }
    result.maxEventsPerBatch = size;
  }
  return result;
}

function webhookUrl(where: string, value: unknown): string {
  const problem = `${where}: "url" must be an absolute http or https URL such as https://example.com/events`;
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${problem}; it is missing.`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${problem}, not "${value}".`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError(`${problem}, not "${value}".`);
  return value;
}

/** Names with or without the `Microsoft.Communication.` prefix, as Event Grid subscription filters write them. */
function eventTypes(where: string, value: unknown): RouterEventType[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((t) => typeof t !== 'string')) {
    throw new ConfigError(`${where}: "eventTypes" must be a non-empty list of event type names, e.g. ["RouterJobReceived", "RouterWorkerOfferIssued"]; leave it out to receive every type.`);
  }
  return (value as string[]).map((name) => {
    const type = name.startsWith(EVENT_TYPE_PREFIX) ? name.slice(EVENT_TYPE_PREFIX.length) : name;
    if (!isRouterEventType(type)) throw new ConfigError(`${where}: unknown event type "${name}"; the types are ${ROUTER_EVENT_TYPES.join(', ')}.`);
    return type;
  });
}
