import { readQueueWithPolicy } from '../../shared/app/routingDocuments';
import { upsertResource } from '../../shared/app/upsertResource';
import { distributionPolicyResource, queueResource } from '../../shared/domain/resources';
import { AZURE_SETTINGS } from '../../shared/hosting/azureConfig';
import { SETTINGS } from '../../shared/hosting/config';
import { composeFunctionsHost, type FunctionsHost } from '../../shared/hosting/functionsHost';
import type { RouterPorts } from '../../shared/ports/RouterPorts';
import { startCosmosTestServer, type CosmosTestServer } from '../support/cosmosTestServer';

let cosmos: CosmosTestServer;
let databases = 0;
beforeAll(async () => {
  cosmos = await startCosmosTestServer();
});
afterAll(async () => {
  await cosmos.close();
});

/** Nothing here arms a timer: the Durable client is never asked for. */
const portsOf = (host: FunctionsHost): RouterPorts =>
  host.ports({
    scheduler: () => {
      throw new Error('no timer is armed here');
    },
  });

/**
 * JOBROUTER_CONFIG_CACHE_SECONDS as the Functions host reads it from its app settings: two instances
 * composed from the same settings on one Cosmos database (as two instances of a deployment are), one
 * changing a policy, the other routing. The default's time limit itself is held by
 * test/contract/configurationAcrossInstances.test.ts on a test clock.
 */
describe('JOBROUTER_CONFIG_CACHE_SECONDS on the Functions host', () => {
  const hosts: FunctionsHost[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close?.();
  });

  async function twoInstances(seconds: string): Promise<[RouterPorts, RouterPorts]> {
    const env = {
      [SETTINGS.accessKey]: Buffer.alloc(32, 7).toString('base64'),
      [SETTINGS.logLevel]: 'silent',
      [SETTINGS.configCacheSeconds]: seconds,
      [AZURE_SETTINGS.cosmosEndpoint.name]: cosmos.endpoint,
      [AZURE_SETTINGS.cosmosKey.name]: cosmos.key,
      [AZURE_SETTINGS.cosmosDatabase.name]: `configcache-${++databases}`,
      [AZURE_SETTINGS.cosmosCreateIfMissing.name]: 'true',
      // Never reached: nothing here sends a match request (the client connects on its first send).
      [AZURE_SETTINGS.serviceBus.name]: 'Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=test;SharedAccessKey=unused',
    };
    const a = await composeFunctionsHost(env, { cosmosAgent: cosmos.agent });
    hosts.push(a);
    const b = await composeFunctionsHost(env, { cosmosAgent: cosmos.agent });
    hosts.push(b);
    return [portsOf(a), portsOf(b)];
  }

  async function offerExpiryAfterChange(seconds: string): Promise<number | undefined> {
    const [a, b] = await twoInstances(seconds);
    await upsertResource(a, distributionPolicyResource, 'dp', { offerExpiresAfterSeconds: 3600, mode: { kind: 'longestIdle' } });
    await upsertResource(a, queueResource, 'q', { distributionPolicyId: 'dp' });
    expect((await readQueueWithPolicy(b, 'q'))?.policy.offerExpiresAfterSeconds).toBe(3600);
    await upsertResource(a, distributionPolicyResource, 'dp', { offerExpiresAfterSeconds: 45 });
    expect((await readQueueWithPolicy(a, 'q'))?.policy.offerExpiresAfterSeconds).toBe(45);
    return (await readQueueWithPolicy(b, 'q'))?.policy.offerExpiresAfterSeconds;
  }

  it('0: another instance reads the changed policy at once', async () => {
    expect(await offerExpiryAfterChange('0')).toBe(45);
  });

  it('3600: another instance keeps routing with its copy', async () => {
    expect(await offerExpiryAfterChange('3600')).toBe(3600);
  });
});
