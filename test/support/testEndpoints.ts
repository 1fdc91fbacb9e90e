import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a TestEndpoints server received. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** `hang` never answers (the request stays open until the server closes). */
export type Reply = { status: number; json?: unknown; text?: string; headers?: Record<string, string> } | 'hang';

/**
 * A real HTTP server on this machine (node:http on a free port) standing in for Azure Functions, webhooks
 * and OAuth token endpoints: each path answers the replies it was given, in order (the last one keeps
 * being given), and every request is recorded.
 */
export class TestEndpoints {
  readonly received: Received[] = [];
  private readonly replies = new Map<string, Reply[]>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TestEndpoints> {
    const server = createServer();
    const endpoints = new TestEndpoints(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        endpoints.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const queue = endpoints.replies.get(path.split('?')[0] ?? path) ?? [];
        const reply = (queue.length > 1 ? queue.shift() : queue[0]) ?? { status: 404, text: 'no reply set for this path' };
        if (reply === 'hang') return;
        const body = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
        response.writeHead(reply.status, { 'content-type': reply.text === undefined ? 'application/json' : 'text/plain', ...reply.headers });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return endpoints;
  }

  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `http://${this.host}${path}`;
  }

  reply(path: string, ...replies: Reply[]): void {
    this.replies.set(path, replies);
  }

  /** Requests to the path, whatever their query string. */
  to(path: string): Received[] {
    return this.received.filter((r) => r.path.split('?')[0] === path);
  }

  reset(): void {
    this.received.length = 0;
    this.replies.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
