import { isDeepStrictEqual } from 'node:util';
import type { ResourceDefinition } from '../domain/resources';
import { isoString } from '../domain/isoString';
import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredDocument } from '../ports/Store';
import { conditionalWrite } from './conditionalWrite';
import { AppError, invalidFields } from './AppError';
import { applyMergePatch } from './applyMergePatch';
import { checkPreconditions, type Preconditions } from './checkPreconditions';
import { checkReferences, type Referenced } from './checkReferences';
import type { EventContext } from '../domain/routing/routerEvents';
import type { OutboxEntry, RouterEvent } from '../ports/EventPublisher';
import { fillOutbox, outboxOf, relayCommitted, withOutboxKey, writeContext } from './outbox';

export interface UpsertResult<Body> {
  created: boolean;
  document: StoredDocument<Body>;
  /** The body before this write (undefined on create); equal to document.body when nothing changed. */
  previous?: Body;
}

/**
 * PATCH upsert with JSON merge patch (RFC 7386): the patch is applied to the client-writable view
 * of the stored resource, the result is validated whole and rebuilt with defaults and server fields.
 * Nothing is written unless everything checks out; a patch that changes nothing writes nothing
 * (the etag stays, as the service did).
 */
export async function upsertResource<Input, Body extends { id: string }>(
  ports: RouterPorts,
  definition: ResourceDefinition<Input, Body>,
  id: string,
  patch: Record<string, unknown>,
  preconditions: Preconditions = {},
  /** Runs before each write attempt with what is about to be written: durable timers the write needs are scheduled here. */
  beforeWrite?: (body: Body, previous: Body | undefined, references: Referenced) => Promise<void>,
  /** The events of the change, written with it (see mutateDocument); `previous` is undefined on create. */
  events?: (body: Body, previous: Body | undefined, context: EventContext, references: Referenced) => RouterEvent[] | Promise<RouterEvent[]>,
): Promise<UpsertResult<Body>> {
  let added: OutboxEntry[] = [];
  const result = await conditionalWrite<Body, UpsertResult<Body>>(
    ports.store,
    definition.collection,
    id,
    async (current) => {
      // After a lost race this sees the other writer's etag: a client precondition then fails, as it should.
      checkPreconditions(definition.noun, id, current, preconditions);
      const merged = applyMergePatch(current ? definition.writable(current.body) : {}, patch);
      const validation = definition.validate(merged);
      if (!validation.ok) throw invalidFields(`The ${definition.noun}`, validation.errors);
      const now = ports.clock.now();
      const context = { id, existing: current?.body, now, newId: ports.newId };
      const body = definition.build(validation.value, context);
      const problem = definition.check?.(body, context);
      if (problem) throw new AppError('invalid', problem);
      const carried = current ? outboxOf(current.body) : undefined;
      if (carried) (body as { _outbox?: unknown })._outbox = carried;
      if (current && isDeepStrictEqual(body, current.body)) return { done: { created: false, document: current, previous: current.body } };

      const references = await checkReferences(ports, definition.references(body));
      await beforeWrite?.(body, current?.body, references);
      const filled = fillOutbox(ports, body, carried, events ? events(body, current?.body, writeContext(ports, now), references) : [], now);
      added = filled instanceof Promise ? await filled : filled;
      const put = { collection: definition.collection, id, lastModified: isoString(now.getTime()), body, keys: withOutboxKey(definition.indexKeys(body, now), body) };
      return { put, answer: (saved) => ({ created: !current, document: saved, previous: current?.body }) };
    },
    { what: `The ${definition.noun} '${id}'` },
    // Whatever the outcome: a write whose commit failed late (or is unknown) must not leave the old copy in use.
  ).finally(() => ports.configuration?.forget(definition.collection, id));
  await relayCommitted(ports, added);
  return result;
}
