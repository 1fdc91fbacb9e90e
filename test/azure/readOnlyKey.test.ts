import { AZURE_SETTINGS } from '../../shared/hosting/azureConfig';
import { SETTINGS } from '../../shared/hosting/config';
import { useFunctionsSettings } from '../../shared/hosting/functionsHost';
import { silentLogger } from '../../shared/ports/Logger';
import { functionsClient, functionsHostOnCosmos, FUNCTIONS_ACCESS_KEY } from '../support/functionsHostOnCosmos';
import { patch } from '../support/signedClient';

/**
 * The read-only key on the Azure host: the Functions host composed from app settings (JOBROUTER_READONLY_KEY
 * beside JOBROUTER_ACCESS_KEY), requests through routerHttp as the platform calls it, signed by the real
 * SDK credential policy, state in Cosmos DB on the local server. The Service Bus connection string
 * names a broker that is never reached: nothing here sends a match request.
 */

const ACCESS_KEY = FUNCTIONS_ACCESS_KEY;
const READONLY_KEY = Buffer.alloc(32, 8).toString('base64');
const errorOf = (body: unknown) => (body as { communicationError: { code: string; message: string; target: string } }).communicationError;

const cosmosHost = functionsHostOnCosmos('readonly');
const settings = (extra: Record<string, string> = {}) => cosmosHost.settings({ [AZURE_SETTINGS.cosmosCreateIfMissing.name]: 'true', ...extra });
const clientWith = functionsClient;

describe('the read-only key on the Azure host', () => {
  it('reads with it, is refused every write with a 403 that says why, and the write changes nothing', async () => {
    useFunctionsSettings(settings({ [SETTINGS.readOnlyKey]: READONLY_KEY }), { logger: silentLogger, cosmosAgent: cosmosHost.server().agent });
    const admin = clientWith(ACCESS_KEY);
    const reader = clientWith(READONLY_KEY);
    expect((await patch(admin, '/routing/distributionPolicies/ro-dp', { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } })).status).toBe('201');
    expect((await patch(admin, '/routing/queues/ro-q', { distributionPolicyId: 'ro-dp', name: 'before' })).status).toBe('201');

    const read = await reader.pathUnchecked('/routing/queues/ro-q').get();
    expect(read.status).toBe('200');
    expect(read.body).toMatchObject({ id: 'ro-q', name: 'before' });
    expect((await reader.pathUnchecked('/routing/queues').get()).status).toBe('200');
    expect((await reader.pathUnchecked('/routing/events').get()).status).toBe('200');

    const write = await patch(reader, '/routing/queues/ro-q', { name: 'after' });
    expect(write.status).toBe('403');
    expect(errorOf(write.body)).toMatchObject({ code: 'Forbidden', target: '/routing/queues/ro-q' });
    expect(errorOf(write.body).message).toMatch(/read-only key/);
    const removal = await reader.pathUnchecked('/routing/distributionPolicies/ro-dp').delete();
    expect(removal.status).toBe('403');

    const after = await admin.pathUnchecked('/routing/queues/ro-q').get();
    expect(after.body).toMatchObject({ name: 'before' });
    expect(after.headers['etag']).toBe(read.headers['etag']);
    expect((await admin.pathUnchecked('/routing/distributionPolicies/ro-dp').get()).status).toBe('200');
  });

  it('without JOBROUTER_READONLY_KEY takes only the access key', async () => {
    useFunctionsSettings(settings(), { logger: silentLogger, cosmosAgent: cosmosHost.server().agent });
    expect((await clientWith(ACCESS_KEY).pathUnchecked('/routing/queues').get()).status).toBe('200');
    const refused = await clientWith(READONLY_KEY).pathUnchecked('/routing/queues').get();
    expect(refused.status).toBe('401');
  });
});
