import { StoreConflictError, type Collection, type NewDocument, type Store, type StoredDocument } from '../ports/Store';
import { AppError } from './AppError';

/**
 * How many times one read–decide–write is tried against a document that other writers keep changing.
 * Every writer of the router goes through `conditionalWrite`, so this is the one retry policy. Retries
 * follow at once: a lost race means the document changed, and the next read sees the change, so waiting
 * would only lengthen the window for the next race. Sixteen lost races in a row means a document hotter
 * than any routing pattern makes it (an offer, an accept and a decline of one job make three).
 */
export const WRITE_ATTEMPTS = 16;

/** Every attempt lost its race: answered as 409 (the client may retry), logged when no client waits. */
export class WriteContentionError extends AppError {
  constructor(
    readonly collection: Collection,
    readonly id: string,
    what: string,
  ) {
    super('conflict', `${what} is being changed by other requests; retry.`);
    this.name = 'WriteContentionError';
  }
}

/**
 * What to do with the document as read: write it (`put`: a create when it was absent, else a replace
 * conditional on the etag read), remove it (conditional on the etag read), or nothing (`done`). The
 * answer of the step is what the write answers.
 */
export type WriteStep<B, R> =
  | { put: NewDocument<B>; answer: (written: StoredDocument<B>) => R }
  | { remove: true; answer: () => R }
  | { done: R };

export interface WriteOptions {
  /** Runs after a lost race, before the next read: undoes what `decide` prepared for the write that lost. */
  onLost?: () => Promise<void>;
  /** How the target is named in the contention error (`The job 'j1'`). */
  what?: string;
}

/**
 * The router's one conditional write: read the document, let `decide` choose from what it holds, write
 * conditionally on what was read, and on a lost race (another writer got there first) read again and
 * decide again, at most WRITE_ATTEMPTS times. `decide` may throw (an AppError reaches the caller and
 * nothing is written); it runs once per attempt, so what it prepares must be safe to prepare again.
 */
export async function conditionalWrite<B, R>(
  store: Store,
  collection: Collection,
  id: string,
  decide: (current: StoredDocument<B> | undefined, attempt: number) => WriteStep<B, R> | Promise<WriteStep<B, R>>,
  options: WriteOptions = {},
): Promise<R> {
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const current = await store.get<B>(collection, id);
    const step = await decide(current, attempt);
    if ('done' in step) return step.done;
    try {
      if ('put' in step) return step.answer(current ? await store.replace(step.put, current.etag) : await store.create(step.put));
      if (!current) return step.answer();
      // The document vanished between read and delete: another writer removed it, which is a lost race too.
      if (await store.delete(collection, id, current.etag)) return step.answer();
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
    await options.onLost?.();
  }
  throw new WriteContentionError(collection, id, options.what ?? `${collection}/${id}`);
}

/**
 * Writes a document whatever it holds now (create or replace): for state where the last writer is right
 * (a cursor, a watermark, a timer's next due time). `likelyNew`: the id is usually unused (a timer of a
 * new offer), so the create is tried before any read — one store call instead of two — and only a
 * document found in place costs the read and replace.
 */
export async function putDocument<B>(store: Store, doc: NewDocument<B>, options: { likelyNew?: boolean } = {}): Promise<StoredDocument<B>> {
  if (options.likelyNew) {
    try {
      return await store.create(doc);
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }
  return conditionalWrite<B, StoredDocument<B>>(store, doc.collection, doc.id, () => ({ put: doc, answer: (written) => written }));
}
