import { copyJson } from '../domain/copyJson';
import { recordedEventKeys, type RecordedEventBody, type RecordedEventDocument } from '../domain/routing/eventHistory';
import { StoreConflictError, type NewDocument, type Store } from '../ports/Store';
import { conditionalWrite } from './conditionalWrite';

/** Edits a history body in place; false leaves the document as it is. */
export type EventChange = (body: RecordedEventBody) => boolean;

const written = (id: string, body: RecordedEventBody, now: Date): NewDocument<RecordedEventBody> => ({
  collection: 'events',
  id,
  lastModified: now.toISOString(),
  body,
  keys: recordedEventKeys(body),
});

/**
 * Changes one history document, conditional on its etag; answers false when it is gone or `change`
 * left it as it was. The callers have usually just listed or created the document, so `known` is tried
 * first without reading it again (one write instead of a read and a write per event); only when another
 * writer changed it meanwhile does the change go through `conditionalWrite`, from a fresh read.
 */
export async function rewriteRecordedEvent(store: Store, id: string, change: EventChange, now: Date, known?: RecordedEventDocument): Promise<boolean> {
  if (known) {
    const body = copyJson(known.body);
    if (!change(body)) return false;
    try {
      await store.replace(written(id, body, now), known.etag);
      return true;
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }
  return conditionalWrite<RecordedEventBody, boolean>(
    store,
    'events',
    id,
    (current) => {
      if (!current) return { done: false };
      const body = copyJson(current.body);
      if (!change(body)) return { done: false };
      return { put: written(id, body, now), answer: () => true };
    },
    { what: `The recorded event '${id}'` },
  );
}
