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

/**
 * Answers an error of node:http's own parser (bad request line, oversized headers, broken chunked
 * framing, header timeout) with the same JSON `communicationError` body as every other refusal, then
 * closes the connection: after a framing error nothing later on it can be trusted. Attach it to any
 * node:http or node:https server: `server.on('clientError', answerClientError(logger))`.
 *
 * Hand-written because the parser has failed: there is no request or response object to answer with.
 */
export function answerClientError(logger: Logger): (error: Error, socket: Socket) => void {
  return (error: ParserError, socket: Socket) => {
    // A client that went away, or a response already under way, leaves nothing to answer.
    if (error.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten > 0) {
      socket.destroy();
      return;
    }
    const answer = answerFor(error);
    logger.info({ status: answer.status, parserError: error.code }, 'request refused by the HTTP parser');
    const body = JSON.stringify({ communicationError: { code: answer.code, message: answer.message, target: '' } });
    const head = [
      `HTTP/1.1 ${answer.status} ${answer.statusText}`,
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      `api-supported-versions: ${API_SUPPORTED_VERSIONS_HEADER}`,
      'connection: close',
    ].join('\r\n');
    socket.end(`${head}\r\n\r\n${body}`);
  };
}
