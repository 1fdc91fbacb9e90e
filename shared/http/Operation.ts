import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredDocument } from '../ports/Store';

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

export type OperationResult =
  /** A single resource: answered with its wire body plus `ETag` and `Last-Modified`. */
  | { status: 200 | 201; document: StoredDocument<object> }
  | { status: 200; json: unknown }
  | { status: 204 };

export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** Exactly the service's path, e.g. `/routing/jobs/{jobId}:cancel`. */
  path: string;
  /** `mergePatch`: a required JSON object body; `optionalJson`: action bodies; `none`: GET/DELETE. */
  body: 'none' | 'mergePatch' | 'optionalJson';
  run(request: OperationRequest, ports: RouterPorts): Promise<OperationResult>;
}
