import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { handleRequest, type RouterHttpOptions } from '../http/handleRequest';
import type { HttpRequestMessage, ResponseStream } from '../http/HttpMessage';
import type { Logger } from '../ports/Logger';
import { SETTINGS } from './config';
import { StartupError } from './startupError';
import { answerOutsideRequests } from './clientErrorResponse';
import { answerMetrics, isMetricsTarget, type MetricsEndpointOptions } from '../observability/metricsEndpoint';

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
  /** `https://127.0.0.1:PORT/` (or `http://`), with the address a local client can reach. */
  url: string;
  close(): Promise<void>;
}

/** PEM certificate (with its chain) and key: the server speaks HTTPS. */
export interface TlsCredentials {
  cert: string;
  key: string;
}

/** Listening failures an operator can fix, said in terms of the settings. */
function listenError(error: Error, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new StartupError(`Port ${port} on ${host} is already in use (another router, or another program). Set ${SETTINGS.port} to a free port (e.g. ${SETTINGS.port}=${port === 65535 ? 8081 : port + 1}), or 0 to pick any free one.`);
  }
  if (code === 'EACCES') return new StartupError(`Not allowed to listen on port ${port} (ports below 1024 need privileges). Set ${SETTINGS.port} to a port from 1024 up.`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new StartupError(`Cannot listen on ${host}: it is not an address of this machine. Set ${SETTINGS.host} to one (127.0.0.1, or 0.0.0.0 for every interface).`);
  return error;
}

/** An address clients can connect to: "any interface" is reached on the loopback one. */
function reachableHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0' || address.address === '::') return '127.0.0.1';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/**
 * The embedded host's transport: node:http (or node:https with `tls`) in front of the shared pipeline,
 * and of the Prometheus text at /metrics when `metrics` is given.
 */
export async function listen(options: RouterHttpOptions, host: string, port: number, tls?: TlsCredentials, metrics?: MetricsEndpointOptions): Promise<ListeningServer> {
  const onRequest: http.RequestListener = (req, res) => {
    void (async () => {
      try {
        const message: HttpRequestMessage = { method: req.method ?? 'GET', url: req.url ?? '/', headers: headersOf(req), body: await readBody(req, options.maxBodyBytes) };
        const response = metrics && isMetricsTarget(message.url) ? await answerMetrics(message, metrics) : await handleRequest(message, options);
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
  };
  let server: http.Server;
  try {
    // Without a Host header node would answer an empty 400 itself; the signature check refuses it in JSON.
    server = tls ? https.createServer({ cert: tls.cert, key: tls.key, requireHostHeader: false }, onRequest) : http.createServer({ requireHostHeader: false }, onRequest);
  } catch (error) {
    throw new StartupError(`The TLS certificate and key cannot be used together (${(error as Error).message}). Check ${SETTINGS.tlsCert} and ${SETTINGS.tlsKey}.`);
  }
  answerOutsideRequests(server, options.logger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error, host, port)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `${tls ? 'https' : 'http'}://${reachableHost(address)}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
