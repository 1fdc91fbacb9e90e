/**
 * Transport-neutral HTTP messages: both hosts (the embedded node:http server and Azure Functions)
 * translate to and from these, so one pipeline serves both.
 */
export interface HttpRequestMessage {
  method: string;
  /** Raw request target as sent: encoded path plus query, e.g. `/routing/jobs/a%20b?api-version=…`. */
  url: string;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface HttpResponseMessage {
  status: number;
  headers: Record<string, string>;
  /** Serialized body; absent for 204. */
  body?: string;
}
