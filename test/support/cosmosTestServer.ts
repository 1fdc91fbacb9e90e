import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'node:https';
import createCosmosServer from '@vercel/cosmosdb-server';
import Documents from '@vercel/cosmosdb-server/lib/account/documents';
import Items from '@vercel/cosmosdb-server/lib/account/items';
import type { CosmosStore } from '../../shared/adapters/azure/CosmosStore';
import { openCosmosStore } from '../../shared/adapters/azure/openCosmosStore';

/**
 * `@vercel/cosmosdb-server` in this process: the real `@azure/cosmos` SDK against an in-memory Cosmos DB
 * (docs/adr/0009-cosmos-store.md lists what it does not do faithfully; the store does not depend on those).
 */
export interface CosmosTestServer {
  endpoint: string;
  /** Any key works; the server checks no signature. */
  key: string;
  /** Trusts the server's self-signed certificate: only ever for this local server. */
  agent: Agent;
  /** The database the helpers below put their containers in. */
  database: string;
  /** A store on a new, empty container (named after `name`, made unique): one per test keeps tests apart. */
  createTestCosmosStore(name?: string): Promise<CosmosStore>;
  /** Another store, with its own client, on an existing container: a second instance, or a restart. */
  openTestCosmosStore(container: string): Promise<CosmosStore>;
  /**
   * While set, every request for documents gets this answer instead, shaped as Cosmos DB sends it
   * (`x-ms-retry-after-ms`, a JSON `{code, message}` body); `undefined` serves normally again. The
   * in-process server cannot throttle or fail on its own, so this gate in front of it does.
   */
  refuseDocuments(answer: { status: 429 | 503; retryAfterMs: number } | undefined): void;
  /** Closes every store the helpers opened, the connections and the server. */
  close(): Promise<void>;
}

export async function startCosmosTestServer(): Promise<CosmosTestServer> {
  quoteDocumentEtags();
  // keepAlive: the server otherwise closes the connection after every response (a TLS handshake each).
  const server = createCosmosServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  let refusal: { status: 429 | 503; retryAfterMs: number } | undefined;
  const serve = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (refusal && /\/docs(\/|$)/.test(request.url ?? '')) {
      const code = refusal.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable';
      response.writeHead(refusal.status, { 'content-type': 'application/json', 'x-ms-retry-after-ms': String(refusal.retryAfterMs), 'x-ms-request-charge': '0' });
      response.end(JSON.stringify({ code, message: `${code} (test gate)` }));
      return;
    }
    for (const listener of serve) listener.call(server, request, response);
  });
  const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // rejectUnauthorized: false only because this is the local test server with its self-signed certificate.
  const agent = new Agent({ rejectUnauthorized: false, keepAlive: true });
  const key = 'local-test-server';
  const database = 'jobrouter-test';
  const stores = new Set<CosmosStore>();
  let containers = 0;

  async function open(container: string, createIfMissing: boolean): Promise<CosmosStore> {
    const store = await openCosmosStore({ endpoint, key, agent, database, container, createIfMissing });
    stores.add(store);
    return store;
  }

  return {
    endpoint,
    key,
    agent,
    database,
    createTestCosmosStore: (name = 'store') => open(`${name}-${++containers}`, true),
    openTestCosmosStore: (container) => open(container, false),
    refuseDocuments: (answer) => {
      refusal = answer;
    },
    async close() {
      await Promise.all([...stores].map((store) => store.close()));
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

let etagsQuoted = false;

/**
 * Real Cosmos DB returns `_etag` quoted (`"\"00000000-…\""`), as HTTP etags are, and compares If-Match
 * with that quoted value; this server stores a bare UUID. Quoting what it stores makes it answer like
 * the real service, so the store under test holds no code for this server.
 */
function quoteDocumentEtags(): void {
  if (etagsQuoted) return;
  etagsQuoted = true;
  const set = Items.prototype._set;
  Documents.prototype._set = function quoted(this: Documents, data) {
    const etag: unknown = data['_etag'];
    return set.call(this, typeof etag === 'string' && !etag.startsWith('"') ? { ...data, _etag: `"${etag}"` } : data);
  };
}
