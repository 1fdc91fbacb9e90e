import type { StoredDocument } from '../ports/Store';
import { AppError } from './AppError';
import { mutateDocument, type Definition, type EventsOf, type WritePorts } from './mutateDocument';

/**
 * Read-modify-write of a resource the caller named: 404 when it does not exist. `change` sees the
 * latest body each time and returns the new body or throws an AppError (not retried).
 */
export async function modifyResource<Body extends { id: string }>(
  ports: WritePorts,
  definition: Definition<Body>,
  id: string,
  change: (body: Body, now: Date) => void,
  events?: EventsOf<Body>,
  /** The document as this request already read it (see mutateDocument). */
  known?: StoredDocument<Body>,
): Promise<StoredDocument<Body>> {
  const result = await mutateDocument(
    ports,
    definition,
    id,
    (body, now) => {
      change(body, now);
      return true;
    },
    events,
    known,
  );
  if (!result) throw new AppError('notFound', `The ${definition.noun} '${id}' was not found.`);
  return result.document;
}
