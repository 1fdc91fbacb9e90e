import { HttpRequest, InvocationContext } from '@azure/functions';
import { publicHttp } from '../../functions/publicHttp';
import { EventRelay } from '../../shared/app/EventRelay';
import { AZURE_SETTINGS } from '../../shared/hosting/azureConfig';
import { useFunctionsHost, type FunctionsHost } from '../../shared/hosting/functionsHost';
import { storeAnswers } from '../../shared/hosting/readinessChecks';
import { DEFAULT_MAX_BODY_BYTES } from '../../shared/http/handleRequest';
import { openApiDocument } from '../../shared/http/openApiDocument';
import { publicRoutes } from '../../shared/http/publicRoutes';
import { routeTable } from '../../shared/http/routeTable';
import { systemClock } from '../../shared/ports/Clock';
import { silentLogger } from '../../shared/ports/Logger';
import type { RouterPorts } from '../../shared/ports/RouterPorts';
import { startCosmosTestServer, type CosmosTestServer } from '../support/cosmosTestServer';

/** The probe handler called as the Functions host would (the host itself cannot run here). */
async function probe(method: string, path: string) {
  const response = await publicHttp(new HttpRequest({ method, url: `http://localhost${path}` }), new InvocationContext({ functionName: 'probe', logHandler: () => undefined }));
  return { status: response.status, body: typeof response.body === 'string' ? (JSON.parse(response.body) as unknown) : undefined };
}

describe('probes and the OpenAPI document on the Functions host', () => {
  let cosmos: CosmosTestServer;
  beforeAll(async () => {
    cosmos = await startCosmosTestServer();
  });
  afterAll(async () => {
    useFunctionsHost(undefined);
    await cosmos.close();
  });

  /** An Azure-mode host whose readiness reads the given store; the rest is never reached by the probes. */
  function hostOn(store: Parameters<typeof storeAnswers>[0]): FunctionsHost {
    return {
      mode: 'azure',
      accessKey: Buffer.alloc(32, 1).toString('base64'),
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      logger: silentLogger,
      relay: new EventRelay({ store, clock: systemClock, logger: silentLogger, channels: [] }),
      eventTopic: '/t',
      readiness: { store: storeAnswers(store) },
      ports: (): RouterPorts => {
        throw new Error('the probes use no ports');
      },
    };
  }

  it('GET /ready is 200 while Cosmos DB answers a point read (real SDK against the local Cosmos server)', async () => {
    useFunctionsHost(hostOn(await cosmos.createTestCosmosStore('ready')));
    expect(await probe('GET', '/ready')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('GET /ready is 503 {"store":"unavailable"} when the Cosmos DB read fails (its server gone)', async () => {
    const gone = await startCosmosTestServer();
    const store = await gone.createTestCosmosStore('gone');
    await gone.close();
    useFunctionsHost(hostOn(store));
    expect(await probe('GET', '/ready')).toEqual({ status: 503, body: { status: 'unavailable', checks: { store: 'unavailable' } } });
  });

  describe('when the host cannot be composed (a setting is wrong)', () => {
    const name = AZURE_SETTINGS.cosmosEndpoint.name;
    const saved = process.env[name];
    beforeAll(() => {
      process.env[name] = 'not a url';
      useFunctionsHost(undefined);
    });
    afterAll(() => {
      if (saved === undefined) delete process.env[name];
      else process.env[name] = saved;
      useFunctionsHost(undefined);
    });

    it('GET /health still answers 200: liveness does not compose the host', async () => {
      expect(await probe('GET', '/health')).toEqual({ status: 200, body: { status: 'ok' } });
    });

    it('GET /ready answers 503 with the one check "host", naming no setting', async () => {
      expect(await probe('GET', '/ready')).toEqual({ status: 503, body: { status: 'unavailable', checks: { host: 'unavailable' } } });
    });

    it('GET /openapi.json answers the generated document', async () => {
      expect(await probe('GET', '/openapi.json')).toEqual({ status: 200, body: JSON.parse(JSON.stringify(openApiDocument(routeTable, publicRoutes))) });
    });
  });
});
