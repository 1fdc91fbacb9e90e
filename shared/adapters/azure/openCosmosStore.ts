import type { Agent } from 'node:https';
import { CosmosClient, ErrorResponse, PartitionKeyDefinitionVersion, type Container, type ContainerDefinition } from '@azure/cosmos';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { CosmosStore } from './CosmosStore';
import { COSMOS_PARTITION_KEY_PATH, cosmosIndexingPolicy } from './cosmosIndexing';
import { isSpreadCollection } from './cosmosPartitioning';
import { COLLECTIONS } from '../../ports/Store';

export interface OpenCosmosStoreOptions {
  endpoint: string;
  /** Account key (emulators, accounts with local auth); otherwise `credential` or DefaultAzureCredential (managed identity in Azure). */
  key?: string;
  credential?: TokenCredential;
  database: string;
  container: string;
  /**
   * Create the database and container (with the indexing policy) when missing: for emulators and tests.
   * In Azure, infra/ creates them and the app's identity may not manage them.
   */
  createIfMissing?: boolean;
  /** HTTP agent for the client, e.g. to trust a local test server's certificate. */
  agent?: Agent;
}

/** A CosmosStore that owns its client: close() disposes it. Checks the container's partition key first. */
export async function openCosmosStore(options: OpenCosmosStoreOptions): Promise<CosmosStore> {
  const client = new CosmosClient({
    endpoint: options.endpoint,
    ...(options.key !== undefined ? { key: options.key } : { aadCredentials: options.credential ?? new DefaultAzureCredential() }),
    ...(options.agent ? { agent: options.agent } : {}),
  });
  try {
    const definition = options.createIfMissing ? await createContainer(client, options) : await readContainer(client, options);
    const paths = definition.partitionKey?.paths ?? [];
    if (paths.length !== 1 || paths[0] !== COSMOS_PARTITION_KEY_PATH) {
      throw new Error(
        `Cosmos DB container ${options.database}/${options.container} is partitioned by ${paths.join(', ') || 'nothing'}; ` +
          `the router needs ${COSMOS_PARTITION_KEY_PATH} (create the container as infra/ does)`,
      );
    }
    const container = client.database(options.database).container(options.container);
    await refuseEarlierLayout(container, definition, options);
    return new CosmosStore(container, () => client.dispose());
  } catch (error) {
    client.dispose();
    throw error;
  }
}

async function createContainer(client: CosmosClient, options: OpenCosmosStoreOptions): Promise<ContainerDefinition> {
  const { database } = await client.databases.createIfNotExists({ id: options.database });
  const { resource } = await database.containers.createIfNotExists({
    id: options.container,
    partitionKey: { paths: [COSMOS_PARTITION_KEY_PATH], version: PartitionKeyDefinitionVersion.V2 },
    indexingPolicy: cosmosIndexingPolicy,
  });
  if (!resource) throw new Error(`Cosmos DB did not return container ${options.database}/${options.container} after creating it`);
  return resource;
}

async function readContainer(client: CosmosClient, options: OpenCosmosStoreOptions): Promise<ContainerDefinition> {
  try {
    const { resource } = await client.database(options.database).container(options.container).read();
    if (resource) return resource;
  } catch (error) {
    if (!(error instanceof ErrorResponse && error.code === 404)) throw error;
  }
  throw new Error(
    `Cosmos DB container ${options.database}/${options.container} does not exist at ${options.endpoint}: ` +
      'deploy infra/, or for an emulator let the router create it (JOBROUTER_COSMOS_CREATE_IF_MISSING=true)',
  );
}

/** The partition values the first layout gave the collections that now spread over one partition per document. */
const EARLIER_LAYOUT_PARTITIONS = COLLECTIONS.filter(isSpreadCollection);

/**
 * The store reads and writes documents where cosmosPartitioning.ts puts them. A container written by the
 * earlier layout (every collection in one partition named after it) holds jobs and workers the store would
 * never find, so it is refused rather than served half empty: see docs/adr/0031-cosmos-partitioning-and-capacity.md
 * for moving to a new container. Costs one query at startup.
 */
async function refuseEarlierLayout(container: Container, definition: ContainerDefinition, options: OpenCosmosStoreOptions): Promise<void> {
  const where = `Cosmos DB container ${options.database}/${options.container}`;
  const indexed = definition.indexingPolicy?.includedPaths?.some((included) => included.path === '/coll/?') ?? false;
  if (!indexed) {
    throw new Error(`${where} does not index /coll/?: it was created for the earlier layout; deploy a new container with infra/cosmos-indexing.json (docs/adr/0031-cosmos-partitioning-and-capacity.md)`);
  }
  const { resources } = await container.items
    .query<string>({ query: 'SELECT TOP 1 VALUE c.pk FROM c WHERE ARRAY_CONTAINS(@earlier, c.pk)', parameters: [{ name: '@earlier', value: EARLIER_LAYOUT_PARTITIONS }] }, { maxItemCount: 1 })
    .fetchAll();
  if (resources.length > 0) {
    throw new Error(`${where} holds documents in the earlier layout (partition ${JSON.stringify(resources[0])}); move them to a new container first (docs/adr/0031-cosmos-partitioning-and-capacity.md)`);
  }
}
