import type { Collection, Condition, IndexKeys } from '../../ports/Store';
import type { z } from 'zod';
import { bodyValidator, type Validation } from '../model';

/** What the domain needs to know while building a resource body from validated input. */
export interface BuildContext<Body> {
  id: string;
  /** The stored body when the resource exists (an update), undefined on create. */
  existing?: Body;
  now: Date;
  newId: () => string;
}

/** Another document a resource points at; an upsert is refused while it does not exist. */
export interface Reference {
  collection: Collection;
  id: string;
  /** The field of the request that names it, for the error message. */
  field: string;
}

/** A kind of document whose presence forbids deleting this resource (docs/behaviour.md#delete-rules). */
export interface DeleteBlocker {
  collection: Collection;
  where: (id: string) => Condition[];
  /** Detail code and message the real service used. */
  code: string;
  message: string;
}

/**
 * Everything that differs between the six resources. The app's generic upsert/get/list/delete use
 * cases are written once against this shape.
 */
export interface ResourceDefinition<Input = unknown, Body extends { id: string } = { id: string }> {
  collection: Collection;
  /** Human name used in messages ("queue", "distribution policy"). */
  noun: string;
  /** What a client may write: the schema `validate` checks with, and the OpenAPI document shows. */
  inputSchema: z.ZodType;
  /** Validates the merge-patched writable document. */
  validate(document: unknown): Validation<Input>;
  /** Key order of the wire body (the service's); every write keeps it. */
  wireOrder: readonly string[];
  /** The client-writable part of a stored body: what a merge patch is applied to. */
  writable(body: Body): Record<string, unknown>;
  /** The stored (and wire) body: validated input plus defaults and server-owned fields, in wire key order. */
  build(input: Input, context: BuildContext<Body>): Body;
  /** Rules across fields that a schema cannot see (e.g. a job needs a queue or a classification policy). */
  check?(body: Body, context: BuildContext<Body>): string | undefined;
  references(body: Body): Reference[];
  /**
   * `now` for keys that depend on time (a job's order changes when an expedite selector expires). Answers a
   * fresh object each call: the write adds its own keys to it.
   */
  indexKeys(body: Body, now: Date): IndexKeys;
  deleteBlockers: DeleteBlocker[];
  /** 400 (policies) or 409 (queues) when a delete is blocked: the service used both. */
  deleteBlockedStatus: 400 | 409;
}

/** A resource's `inputSchema` and the `validate` built from it, so the two cannot drift apart. */
export function validatedBy<S extends z.ZodType>(schema: S): { inputSchema: S; validate: (document: unknown) => Validation<z.output<S>> } {
  return { inputSchema: schema, validate: bodyValidator(schema) };
}

/** Copies the named keys that are present, in order. */
export function pick<T extends object>(source: T, keys: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** Builds an object in the given key order, leaving out undefined values (the service omits, never nulls). */
export function ordered<T>(entries: Record<string, unknown>, order: readonly string[]): T {
  const result: Record<string, unknown> = {};
  for (const key of order) {
    if (entries[key] !== undefined) result[key] = entries[key];
  }
  return result as T;
}

/**
 * `ordered(draft, order)` for a draft the caller owns: the draft itself when its keys already follow
 * the order with no undefined value (a change that only edits values leaves them so), else the
 * ordered copy. Saves a copy of the whole body on most writes.
 */
export function reordered<T>(draft: Record<string, unknown>, order: readonly string[]): T {
  let at = 0;
  for (const key in draft) {
    if (draft[key] === undefined) return ordered<T>(draft, order);
    while (at < order.length && order[at] !== key) at++;
    if (at === order.length) return ordered<T>(draft, order);
    at++;
  }
  return draft as T;
}

/**
 * Labels with the automatic `Id` label the service adds to queues and workers: appended after the
 * user's labels on create, kept in place afterwards (both orders appear in the recordings).
 */
export function withIdLabel<L extends Record<string, unknown>>(labels: L | undefined, id: string): L & { Id: string } {
  return { ...(labels ?? ({} as L)), Id: id };
}
