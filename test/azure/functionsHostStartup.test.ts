import fs from 'node:fs';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { openCosmosStore } from '../../shared/adapters/azure/openCosmosStore';
import { AZURE_DEFAULTS, AZURE_SETTINGS } from '../../shared/hosting/azureConfig';
import { SETTINGS } from '../../shared/hosting/config';
import { useFunctionsSettings } from '../../shared/hosting/functionsHost';
import type { Logger } from '../../shared/ports/Logger';
import { functionsClient, functionsHostOnCosmos } from '../support/functionsHostOnCosmos';
import { TestClock } from '../support/testClock';

/**
 * The Functions host composed from app settings, as the platform composes it: requests go through
 * routerHttp (the handler the host calls), the store is a CosmosStore on the local Cosmos server.
 * The Service Bus connection string names a broker that is never reached: nothing here sends a
 * match request (the client connects on its first send).
 */

/** A Logger that keeps what the composition reports. */
function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info: () => undefined, warn: () => undefined, error: (fields, message) => errors.push(`${message} ${String((fields['err'] as Error | undefined)?.message)}`) };
}

const cosmosHost = functionsHostOnCosmos('startup');
const settings = cosmosHost.settings;
const signedClient = functionsClient;

const errorOf = (body: unknown) => (body as { communicationError: { code: string; message: string; target: string } }).communicationError;

describe('the Functions host against a fresh Cosmos DB emulator', () => {
  it('without JOBROUTER_COSMOS_CREATE_IF_MISSING: 503 naming what is missing, tried again after a wait (not at every request), and serves once the container exists', async () => {
    const env = settings();
    const clock = new TestClock();
    const logger = recordingLogger();
    useFunctionsSettings(env, { clock, logger, cosmosAgent: cosmosHost.server().agent });
    const client = signedClient();

    const first = await client.path('/routing/queues').get();
    expect(first.status).toBe('503');
    expect(first.headers['retry-after']).toBe('1');
    expect(errorOf(first.body)).toMatchObject({ code: 'ServiceUnavailable', target: '/routing/queues' });
    expect(errorOf(first.body).message).toMatch(/does not exist.*JOBROUTER_COSMOS_CREATE_IF_MISSING=true/);

    // Within the wait nobody tries again: a storm of requests costs one attempt.
    for (let i = 0; i < 5; i++) expect((await client.path('/routing/queues').get()).status).toBe('503');
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toMatch(/could not be composed.*does not exist/);

    // The container appears (the deployment, or the emulator finishing its start) and the wait is over.
    const database = String(env[AZURE_SETTINGS.cosmosDatabase.name]);
    const store = await openCosmosStore({ endpoint: cosmosHost.server().endpoint, key: cosmosHost.server().key, agent: cosmosHost.server().agent, database, container: AZURE_DEFAULTS.cosmosContainer, createIfMissing: true });
    await store.close();
    clock.advance(1000);
    const after = await client.path('/routing/queues').get();
    expect(after.status).toBe('200');
    expect(after.body).toEqual({ value: [] });
    expect(logger.errors).toHaveLength(1);
  });

  it('waits twice as long after each failure in a row', async () => {
    const clock = new TestClock();
    const logger = recordingLogger();
    useFunctionsSettings(settings(), { clock, logger, cosmosAgent: cosmosHost.server().agent });
    const client = signedClient();
    expect((await client.path('/routing/queues').get()).headers['retry-after']).toBe('1');
    clock.advance(1000);
    expect((await client.path('/routing/queues').get()).headers['retry-after']).toBe('2');
    clock.advance(2000);
    expect((await client.path('/routing/queues').get()).headers['retry-after']).toBe('4');
    expect(logger.errors).toHaveLength(3);
  });

  it('with JOBROUTER_COSMOS_CREATE_IF_MISSING=true: creates the database and the container with the indexing policy of infra/, and serves at once', async () => {
    const env = settings({ [AZURE_SETTINGS.cosmosCreateIfMissing.name]: 'true' });
    useFunctionsSettings(env, { cosmosAgent: cosmosHost.server().agent, logger: recordingLogger() });
    const client = signedClient();
    const created = await client.path('/routing/queues/{queueId}', 'q1').patch({ body: { distributionPolicyId: 'dp' }, contentType: 'application/merge-patch+json' });
    // The queue names a policy that does not exist: a 400 from the router itself, so the store answered.
    expect(created.status).toBe('400');
    expect((await client.path('/routing/queues').get()).status).toBe('200');

    const cosmos = new CosmosClient({ endpoint: cosmosHost.server().endpoint, key: cosmosHost.server().key, agent: cosmosHost.server().agent });
    try {
      const { resource } = await cosmos.database(String(env[AZURE_SETTINGS.cosmosDatabase.name])).container(AZURE_DEFAULTS.cosmosContainer).read();
      const infraPolicy = JSON.parse(fs.readFileSync(path.join(__dirname, '../../infra/cosmos-indexing.json'), 'utf8')) as Record<string, unknown>;
      expect(resource?.partitionKey?.paths).toEqual(['/pk']);
      expect(resource?.indexingPolicy).toMatchObject({ includedPaths: infraPolicy['includedPaths'], excludedPaths: infraPolicy['excludedPaths'], compositeIndexes: infraPolicy['compositeIndexes'] });
    } finally {
      cosmos.dispose();
    }
  });
});

describe('the Functions host with wrong settings', () => {
  it.each([
    ['an empty access key (as local.settings.sample.json ships it)', { [SETTINGS.accessKey]: '' }, /JOBROUTER_ACCESS_KEY must be set/],
    ['a key too short', { [SETTINGS.accessKey]: 'c2hvcnQ=' }, /JOBROUTER_ACCESS_KEY must be a base64 key of at least 16 bytes/],
    ['no Service Bus', { [AZURE_SETTINGS.serviceBus.name]: '' }, /Service Bus is not: set JOBROUTER_SERVICEBUS__fullyQualifiedNamespace/],
    ['a Cosmos endpoint that is no URL', { [AZURE_SETTINGS.cosmosEndpoint.name]: 'localhost:8081' }, /JOBROUTER_COSMOS_ENDPOINT="localhost:8081" must be an https URL/],
    ['a create flag that is not true or false', { [AZURE_SETTINGS.cosmosCreateIfMissing.name]: 'yes' }, /JOBROUTER_COSMOS_CREATE_IF_MISSING="yes" must be true or false/],
  ])('%s: every request is a 503 naming the setting, never a 500, and nothing is retried', async (_case, wrong, message) => {
    const logger = recordingLogger();
    useFunctionsSettings(settings(wrong), { clock: new TestClock(), logger, cosmosAgent: cosmosHost.server().agent });
    const client = signedClient();
    for (const request of [client.path('/routing/queues').get(), client.path('/routing/jobs/{jobId}', 'j').patch({ body: {}, contentType: 'application/merge-patch+json' })]) {
      const response = await request;
      expect(response.status).toBe('503');
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['retry-after']).toBeUndefined();
      expect(errorOf(response.body).message).toMatch(message);
    }
    expect(logger.errors).toEqual([expect.stringMatching(/cannot start with these settings/)]);
  });
});
