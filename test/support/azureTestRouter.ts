import { DEFAULT_EVENT_TOPIC } from '../../shared/hosting/webhookConfig';
import { InvocationContext } from '@azure/functions';
import { getClient } from '@azure-rest/core-client';
import { createCommunicationAuthPolicy, parseClientArguments } from '@azure/communication-common';
import { ServiceBusClient } from '@azure/service-bus';
import { DurableScheduler } from '../../shared/adapters/azure/DurableScheduler';
import { ServiceBusMatchQueue } from '../../shared/adapters/azure/ServiceBusMatchQueue';
import { EventRelay } from '../../shared/app/EventRelay';
import type { EventChannel } from '../../shared/ports/EventChannel';
import { DEFAULT_MAX_BODY_BYTES } from '../../shared/http/handleRequest';
import { connectionString } from '../../shared/hosting/accessKey';
import { AZURE_DEFAULTS } from '../../shared/hosting/azureConfig';
import { createAzureEngine } from '../../shared/hosting/createAzureEngine';
import { useFunctionsHost } from '../../shared/hosting/functionsHost';
import { systemClock, type Clock } from '../../shared/ports/Clock';
import { silentLogger } from '../../shared/ports/Logger';
import type { Timer } from '../../shared/ports/Scheduler';
import { matcher } from '../../functions/matcher';
import { routerTimerNames, type DeadLetterRequest } from '../../functions/orchestrators/routerTimer';
import { deadLetterRouterTimer, fireRouterTimer } from '../../functions/timers';
import { AmqpTestBroker } from './amqpTestBroker';
import { startCosmosTestServer } from './cosmosTestServer';
import { DurableTestRuntime } from './durableTestRuntime';
import { functionsTransport } from './functionsTransport';
import { API_VERSION } from './signedClient';
import type { RouterUnderTest } from './routerUnderTest';
import { ServiceBusTriggerRunner } from './serviceBusTriggerRunner';

/** Function logs (a match per message) would drown the test output; failures surface as test failures. */
const quiet = () => undefined;

/** A clock the Durable stand-in can move (a TestClock), or the system clock, which it only reads. */
type TestableClock = Clock & { advance?(ms: number): void };

/**
 * The Azure host's composition on local counterparts: requests through the Functions HTTP handler
 * (routerHttp, as the host would call it), state in a CosmosStore on the local Cosmos server, match
 * requests sent with the real Service Bus client to the AMQP test broker and run by the matcher
 * function through a session trigger runner, timers as routerTimer orchestrations in the Durable
 * stand-in, which calls the real fireRouterTimer activity. Only the Functions host itself is absent.
 */
export async function startAzureTestRouter(options: { clock?: TestableClock; newId?: () => string; random?: () => number; channels?: readonly EventChannel[] } = {}): Promise<RouterUnderTest> {
  const clock: TestableClock = options.clock ?? systemClock;
  const cosmos = await startCosmosTestServer();
  const store = await cosmos.createTestCosmosStore('api');
  // Short session waits: an idle runner asks again often, and stops without waiting out a long poll.
  const broker = await AmqpTestBroker.start({ sessionWaitMs: 100 });
  broker.createQueue(AZURE_DEFAULTS.matchQueue, { requiresSession: true });
  const serviceBus = new ServiceBusClient(broker.connectionString);
  const matchQueue = ServiceBusMatchQueue.fromClient(serviceBus, AZURE_DEFAULTS.matchQueue);
  const relay = new EventRelay({ store, clock, logger: silentLogger, channels: options.channels ?? [] });
  const engine = createAzureEngine({ store, matchQueue, events: relay, logger: silentLogger, clock, newId: options.newId, random: options.random });
  const durable = new DurableTestRuntime({
    clock: { now: () => clock.now(), advance: (ms) => clock.advance?.(ms) },
    activities: {
      [routerTimerNames.activity]: (timer) => fireRouterTimer(timer as Timer, new InvocationContext({ functionName: routerTimerNames.activity, logHandler: quiet })),
      [routerTimerNames.deadLetter]: (request) => deadLetterRouterTimer(request as DeadLetterRequest, new InvocationContext({ functionName: routerTimerNames.deadLetter, logHandler: quiet })),
    },
  });
  const scheduler = new DurableScheduler(durable.client);
  const accessKey = Buffer.alloc(32, 9).toString('base64');
  useFunctionsHost({ mode: 'azure', accessKey, maxBodyBytes: DEFAULT_MAX_BODY_BYTES, logger: silentLogger, relay, eventTopic: DEFAULT_EVENT_TOPIC, ports: () => engine.portsWith(scheduler) });
  const runner = ServiceBusTriggerRunner.start({
    connectionString: broker.connectionString,
    queueName: AZURE_DEFAULTS.matchQueue,
    handler: (message, triggerMetadata) => matcher(message, new InvocationContext({ functionName: 'matcher', triggerMetadata: { ...triggerMetadata }, logHandler: quiet })),
    whenDrained: () => broker.whenDrained(AZURE_DEFAULTS.matchQueue),
    sessionIdleTimeoutMs: 50,
  });

  const connection = connectionString('http://localhost/', accessKey);
  const clientFor = (apiVersion: string) => {
    const { url, credential } = parseClientArguments(connection);
    const c = getClient(url, { apiVersion, allowInsecureConnection: true, retryOptions: { maxRetries: 0 }, httpClient: functionsTransport });
    c.pipeline.addPolicy(createCommunicationAuthPolicy(credential));
    return c;
  };

  /** Matching requests drained and Durable messages (starts, events, due timers) processed, until both are quiet. */
  const idle = async (): Promise<number> => {
    let fired = 0;
    for (;;) {
      await runner.idle();
      const ran = await durable.runDue();
      fired += ran;
      if (ran === 0) {
        await runner.idle();
        return fired;
      }
    }
  };

  return {
    client: clientFor(API_VERSION),
    clientFor,
    store,
    connectionString: connection,
    engine: { idle: async () => void (await idle()), scheduler: { runDue: idle } },
    close: async () => {
      await relay.stop();
      await runner.stop();
      await matchQueue.close();
      await serviceBus.close();
      await broker.close();
      await cosmos.close();
      useFunctionsHost(undefined);
    },
  };
}
