import type { Client } from '@azure-rest/core-client';
import type { Clock } from '../../shared/ports/Clock';
import type { Store } from '../../shared/ports/Store';

/**
 * What the routing API suites need of a router: a signed client, its store (to read recorded events),
 * and a way to let matching and due timers settle. Both hosts' compositions provide it.
 */
export interface RouterUnderTest {
  client: Client;
  /** A client for another api-version, reaching the router the same way `client` does. */
  clientFor(apiVersion: string): Client;
  store: Store;
  connectionString: string;
  engine: {
    /** Matching (and anything it started) has settled. */
    idle(): Promise<void>;
    scheduler: {
      /** Fires every timer due at the clock's time; resolves with how many fired. */
      runDue(): Promise<number>;
    };
  };
  close(): Promise<void>;
}

/**
 * The composition the suites run on: the embedded host, or with JOBROUTER_TEST_HOST=azure the Azure
 * host's adapters on their local counterparts (test/azure/*.test.ts set it and load a suite).
 */
export async function startRouterUnderTest(options: { clock?: Clock & { advance?(ms: number): void }; newId?: () => string; random?: () => number } = {}): Promise<RouterUnderTest> {
  if (process.env['JOBROUTER_TEST_HOST'] === 'azure') {
    const { startAzureTestRouter } = await import('./azureTestRouter');
    return startAzureTestRouter(options);
  }
  const { startTestRouter } = await import('./embeddedRouter');
  const { createSignedClient } = await import('./signedClient');
  const router = await startTestRouter(options);
  return { ...router, clientFor: (apiVersion) => createSignedClient(router.connectionString, apiVersion) };
}
