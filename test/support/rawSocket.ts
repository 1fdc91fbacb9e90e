import net from 'node:net';

export interface RawSocketAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary members of error bodies
  json: any;
}

/**
 * Writes bytes to the server as they are, with no HTTP client in between (none would send a broken
 * request line or framing), then half-closes, and reads the first answer until the server closes.
 * Only for requests that must never reach an HTTP library: parser-level bad input. Undefined when
 * the server closed without a word.
 */
export function rawSocketRequest(baseUrl: string, bytes: string | Buffer): Promise<RawSocketAnswer> {
  return rawSocketExchange(baseUrl, bytes).then((answer) => {
    if (!answer) throw new Error('the server closed the connection without an answer');
    return answer;
  });
}

export function rawSocketExchange(baseUrl: string, bytes: string | Buffer): Promise<RawSocketAnswer | undefined> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        const text = Buffer.concat(chunks).toString('latin1');
        resolve(text === '' ? undefined : parseAnswer(text));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

function parseAnswer(whole: string): RawSocketAnswer {
  // Interim answers (100 Continue) come first; the answer is the first final one.
  let text = whole;
  while (/^HTTP\/1\.1 1\d\d /.test(text) && text.includes('\r\n\r\n')) text = text.slice(text.indexOf('\r\n\r\n') + 4);
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`no HTTP answer, got ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(split + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.slice(0, Number(headers['content-length']));
  let json: unknown;
  try {
    json = body ? JSON.parse(Buffer.from(body, 'latin1').toString('utf8')) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers, body, json };
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
