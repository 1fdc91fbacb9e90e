import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { API_SUPPORTED_VERSIONS_HEADER } from '../http/apiVersion';
import type { Logger } from '../ports/Logger';

/** What node:http's parser reported, as far as we read it (`code` is llhttp's `HPE_…` name or a Node error code). */
interface ParserError extends Error {
  code?: string;
  reason?: string;
}

interface RawAnswer {
  status: number;
  statusText: string;
  code: string;
  message: string;
}

function answerFor(error: ParserError): RawAnswer {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, statusText: 'Request Header Fields Too Large', code: 'RequestHeaderFieldsTooLarge', message: 'The request headers are larger than this router accepts; send fewer or shorter headers.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, statusText: 'Request Timeout', code: 'RequestTimeout', message: 'The request was not received in time; send it again.' };
    default: {
      // llhttp's reasons are fixed texts ("Invalid method encountered"), never the client's bytes.
      const reason = typeof error.reason === 'string' && /^[\w .,'-]{1,100}$/.test(error.reason) ? ` (${error.reason})` : '';
      return { status: 400, statusText: 'Bad Request', code: 'BadRequest', message: `The request is not valid HTTP/1.1${reason}: check the request line, headers and body framing.` };
    }
  }
}

/** A whole HTTP/1.1 answer with the JSON error body, written on a socket no response object owns; then closed. */
function writeRawAnswer(socket: Socket, answer: RawAnswer): void {
  const body = JSON.stringify({ communicationError: { code: answer.code, message: answer.message, target: '' } });
  const head = [
    `HTTP/1.1 ${answer.status} ${answer.statusText}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `api-supported-versions: ${API_SUPPORTED_VERSIONS_HEADER}`,
    'connection: close',
  ].join('\r\n');
  socket.end(`${head}\r\n\r\n${body}`);
}

/** CONNECT asks for a tunnel, which node:http leaves to a listener; without one it drops the socket unanswered. */
const CONNECT_REFUSED: RawAnswer = { status: 405, statusText: 'Method Not Allowed', code: 'MethodNotAllowed', message: 'CONNECT is not supported: this is a Job Router, not a proxy.' };

/**
 * Every answer node:http would give (or not give) outside the request handler, in the router's JSON
 * error shape. Attach to any node:http or node:https server: `answerOutsideRequests(server, logger)`.
 * Create the server with `requireHostHeader: false`: node's own check answers a missing Host with an
 * empty 400, while the router's signature check names it in a 401 body.
 *
 * - Errors of node's parser (bad request line, oversized headers, broken chunked framing, header
 *   timeout): the JSON body, then the connection closes, since nothing later on it can be trusted.
 *   When they concern bytes pipelined behind a request still being answered, that answer goes out
 *   first (it may acknowledge a write), then the error.
 * - CONNECT: 405.
 *
 * Hand-written because the parser has failed: there is no request or response object to answer with.
 */
export function answerOutsideRequests(server: Server, logger: Logger): void {
  const answering = new WeakMap<Socket, { request: IncomingMessage; response: ServerResponse }>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    answering.set(request.socket, { request, response });
    response.on('close', () => {
      if (answering.get(request.socket)?.response === response) answering.delete(request.socket);
    });
  });
  server.on('clientError', (error: ParserError, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const answer = answerFor(error);
    logger.info({ status: answer.status, parserError: error.code }, 'request refused by the HTTP parser');
    const current = answering.get(socket);
    // A request whose body was still arriving is the one at fault (its handler sees the socket close).
    if (!current || !current.request.complete || current.response.writableFinished) {
      writeRawAnswer(socket, answer);
      return;
    }
    const pending = current.response;
    pending.on('finish', () => writeRawAnswer(socket, answer));
    pending.on('close', () => {
      if (!pending.writableFinished) socket.destroy();
    });
  });
  server.on('connect', (_request: IncomingMessage, socket: Socket) => writeRawAnswer(socket, CONNECT_REFUSED));
}
