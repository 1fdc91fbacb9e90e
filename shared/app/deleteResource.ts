import type { ResourceDefinition } from '../domain/resources';
import type { RouterPorts } from '../ports/RouterPorts';
import { conditionalWrite } from './conditionalWrite';
import { AppError } from './AppError';

/**
 * Deletes a resource unless something still refers to it, answering as the service did: 400 with
 * detail codes for policies, 409 with a "Validation failed" list for queues (docs/behaviour.md#delete-rules).
 * Deleting what does not exist succeeds (idempotent DELETE).
 */
export async function deleteResource<Body extends { id: string }>(
  ports: RouterPorts,
  definition: Pick<ResourceDefinition<unknown, Body>, 'collection' | 'noun' | 'deleteBlockers' | 'deleteBlockedStatus'>,
  id: string,
): Promise<void> {
  await conditionalWrite(
    ports.store,
    definition.collection,
    id,
    async (current) => {
      if (!current) return { done: undefined };
      const blocking = [];
      for (const blocker of definition.deleteBlockers) {
        if (await ports.store.exists(blocker.collection, blocker.where(id))) blocking.push(blocker);
      }
      if (blocking.length > 0) {
        if (definition.deleteBlockedStatus === 409) {
          throw new AppError('conflict', `Validation failed: \r\n${blocking.map((b) => ` -- : ${b.message}`).join('\r\n')}`);
        }
        throw new AppError(
          'invalid',
          'One or more validation errors occurred.',
          blocking.map((b) => ({ code: b.code, message: b.message })),
        );
      }
      return { remove: true, answer: () => undefined };
    },
    { what: `The ${definition.noun} '${id}'` },
    // Whatever the outcome, as upsertResource does.
  ).finally(() => ports.configuration?.forget(definition.collection, id));
}
