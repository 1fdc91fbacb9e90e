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

export interface WriteOptions<B = unknown> {
  /** Runs after a lost race, before the next read: undoes what `decide` prepared for the write that lost. */
  onLost?: () => Promise<void>;
  /** How the target is named in the contention error (`The job 'j1'`). */
  what?: string;
  /**
   * The document as the caller already read it in this request: the first attempt decides on it
   * instead of reading. Only a write can use it (the etag tells whether it was still current); a
   * `done` or a refusal (an AppError) decided on it is decided again on a fresh read, so a stale
   * known document costs one read or one lost race, never an answer the stored document would not give.
   */
  known?: StoredDocument<B>;
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
  options: WriteOptions<B> = {},
): Promise<R> {
  // A document of another id can say nothing about this one.
  let known = options.known?.collection === collection && options.known.id === id ? options.known : undefined;
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const onKnown = known;
    known = undefined;
    let current = onKnown;
    let step = onKnown && (await writeOn(() => decide(onKnown, attempt)));
    if (!step) {
      current = await store.get<B>(collection, id);
      const decided = await decide(current, attempt);
      if ('done' in decided) return decided.done;
      step = decided;
    }
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
 * What `decide` makes of a document the caller read before: a write to try on its etag, or undefined
 * when the decision needs a fresh read (nothing to write, or a refusal).
 */
async function writeOn<B, R>(decide: () => WriteStep<B, R> | Promise<WriteStep<B, R>>): Promise<Exclude<WriteStep<B, R>, { done: R }> | undefined> {
  try {
    const step = await decide();
    return 'done' in step ? undefined : step;
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
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
