import type { z } from 'zod';
import type { LiveEvents } from '../ports/LiveEvents';
import type { Logger } from '../ports/Logger';
import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredDocument } from '../ports/Store';
import type { ResponseStream } from './HttpMessage';
import type { Parameter } from './Parameter';

export type HttpMethod = 'GET' | 'PATCH' | 'DELETE' | 'POST';

/** What an operation gets once routing, authentication, api-version and body parsing succeeded. */
export interface OperationRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  /** Parsed JSON body; undefined when there was none. */
  body: unknown;
  apiVersion: string;
  /** Request path without the query: the `target` of error bodies. */
  target: string;
}

/** What the host offers besides the ports. Only the event operations (router extensions) use it. */
export interface OperationHost {
  /** `topic` of the Event Grid envelopes the event operations answer with. */
  eventTopic: string;
  /** Names of the channels events are delivered to (the event subscriptions). */
  eventChannels: readonly string[];
  /** Events as they are recorded; absent where the host cannot stream (Azure Functions). */
  liveEvents?: LiveEvents;
  /** Called once dead letters are pending again, so delivery need not wait for its next pass. */
  onRedeliver?: () => void;
  logger: Logger;
}

export type OperationResult =
  /** A single resource: answered with its wire body plus `ETag` and `Last-Modified`. */
  | { status: 200 | 201; document: StoredDocument<object> }
  | { status: 200; json: unknown }
  | { status: 204 }
  /** Server-Sent Events, written by the host until the client goes away. */
  | { status: 200; stream: ResponseStream };

/** A resource as the OpenAPI document shows it: what clients write, and the keys of what they read back. */
export interface ResourceShape {
  /** Its schema name in the OpenAPI document: `Queue`, `Job`. */
  name: string;
  inputSchema: z.ZodType;
  /** Keys of the wire body in order; those not in `inputSchema` are set by the router (read-only). */
  wireOrder: readonly string[];
}

/** What a success answers with (the OpenAPI document's responses; `run` produces the bodies). */
export type Answer =
  /** 200 with the resource, or 201 when an upsert `creates` it. */
  | { kind: 'resource'; resource: ResourceShape; creates?: boolean }
  /** 200 with `{ value: [item], nextLink? }`. */
  | { kind: 'page'; item: ResourceShape | z.ZodType }
  | { kind: 'json'; schema: z.ZodType }
  | { kind: 'noContent' }
  | { kind: 'eventStream' };

export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** Exactly the service's path, e.g. `/routing/jobs/{jobId}:cancel`; extensions use the same style. */
  path: string;
  /** `mergePatch`: a required JSON object body; `optionalJson`: action bodies; `none`: GET/DELETE. */
  body: 'none' | 'mergePatch' | 'optionalJson';
  /** The schema `run` validates the body with (absent: the body takes no members). */
  requestSchema?: z.ZodType;
  /** Query parameters and headers `run` reads, besides api-version and the path ids. */
  parameters?: readonly Parameter[];
  answers: Answer;
  run(request: OperationRequest, ports: RouterPorts, host: OperationHost): Promise<OperationResult>;
}
