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

/**
 * An answer without a known end (Server-Sent Events): the host calls `open` once the headers are
 * sent, writes each chunk as it comes, and calls what `open` returned when the client goes away.
 */
export interface ResponseStream {
  open(write: (chunk: string) => void): () => void;
}

export interface HttpResponseMessage {
  status: number;
  headers: Record<string, string>;
  /** Serialized body; absent for 204 and streams. */
  body?: string;
  /** Only where the host can stream (the operation is told by RouterHttpOptions.liveEvents). */
  stream?: ResponseStream;
}
