import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleRequest, type RouterHttpOptions } from '../http/handleRequest';
import type { HttpRequestMessage, ResponseStream } from '../http/HttpMessage';
import type { Logger } from '../ports/Logger';
import { answerOutsideRequests } from './clientErrorResponse';

/**
 * Reads the body but keeps at most `limit + 1` bytes: enough for the pipeline to see it is too
 * large, without letting a client make us buffer an unbounded upload.
 */
function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    request.on('end', () => resolve(Buffer.concat(chunks).subarray(0, limit + 1)));
    request.on('error', reject);
    // A connection closed mid-body (client gone, framing error) must not leave this promise pending.
    request.on('close', () => {
      if (!request.complete) reject(new Error('the connection closed before the request body ended'));
    });
  });
}

function headersOf(request: http.IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

/** A client that reads this far behind is cut off (it can reconnect) rather than buffered for without end. */
export const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024;

/** Writes a stream as it comes until the client goes away (or the server closes its connection). */
function writeStream(res: http.ServerResponse, stream: ResponseStream, logger: Logger): void {
  let ended = false;
  let stop: (() => void) | undefined;
  const end = () => {
    if (ended) return;
    ended = true;
    stop?.();
  };
  const stopStream = stream.open((chunk) => {
    if (ended) return;
    if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
      logger.warn({ backlogBytes: res.writableLength }, 'stream client reads too slowly; closing its stream');
      end();
      res.destroy();
      return;
    }
    res.write(chunk);
  });
  if (ended) stopStream();
  else stop = stopStream;
  res.on('close', end);
  // A client that left while the request was being handled has closed already: there is no 'close' to come.
  if (!res.socket || res.socket.destroyed) end();
}

export interface ListeningServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** The embedded host's transport: node:http in front of the shared pipeline. */
export async function listen(options: RouterHttpOptions, host: string, port: number): Promise<ListeningServer> {
  // Without a Host header node would answer an empty 400 itself; the signature check refuses it in JSON.
  const server = http.createServer({ requireHostHeader: false }, (req, res) => {
    void (async () => {
      try {
        const message: HttpRequestMessage = { method: req.method ?? 'GET', url: req.url ?? '/', headers: headersOf(req), body: await readBody(req, options.maxBodyBytes) };
        const response = await handleRequest(message, options);
        res.writeHead(response.status, response.headers);
        if (response.stream) writeStream(res, response.stream, options.logger);
        else res.end(response.body);
      } catch (error) {
        // The client left mid-body (or its framing broke, answered by answerClientError): no one to answer.
        if (req.destroyed || res.destroyed) return;
        options.logger.error({ err: error }, 'could not answer request');
        if (res.headersSent) {
          res.end();
          return;
        }
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ communicationError: { code: 'InternalServerError', message: 'The router failed to answer the request; see its log.', target: '' } }));
      }
    })();
  });
  answerOutsideRequests(server, options.logger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
