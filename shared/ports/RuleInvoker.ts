/**
 * The HTTP that function and webhook rules need: one POST, bounded in time and size. Retries, credentials
 * and what a rule's answer must look like belong to the caller, so an adapter stays a thin wrapper around
 * its HTTP client.
 */
export interface RuleInvoker {
  post(request: RuleHttpRequest): Promise<RuleHttpResponse>;
}

export interface RuleHttpRequest {
  url: string;
  headers: Readonly<Record<string, string>>;
  /** A JSON document (rule inputs), or form fields (OAuth 2.0 token requests are form-encoded, RFC 6749 §4.4.2). */
  body: { json: unknown } | { form: Readonly<Record<string, string>> };
  /** Abandon the request when no complete answer has arrived by then. */
  timeoutMs: number;
}

export interface RuleHttpResponse {
  status: number;
  /** The parsed body; undefined when the body is empty or not JSON. */
  json: unknown;
  /** The body as text (bounded by the adapter), so that a failure can quote what the endpoint said. */
  text: string;
}

export type RuleInvocationFailure = 'timeout' | 'unreachable' | 'tooLarge';

/** No usable answer arrived: the endpoint was too slow, could not be reached, or answered too much. */
export class RuleInvocationError extends Error {
  constructor(
    readonly failure: RuleInvocationFailure,
    message: string,
  ) {
    super(message);
    this.name = 'RuleInvocationError';
  }
}
