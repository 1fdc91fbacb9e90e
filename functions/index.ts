import { app } from '@azure/functions';
import { matchQueueName } from '../shared/hosting/azureConfig';
import { functionsHost } from '../shared/hosting/functionsHost';
import { functionsMode } from '../shared/hosting/functionsSettings';
import { publicRoutes } from '../shared/http/publicRoutes';
import { routeTable } from '../shared/http/routeTable';
import { dashboardHttp } from './dashboardHttp';
import { durableClientInput } from './durableClientInput';
import { publicHttp } from './publicHttp';
import { registerEventSweep } from './eventSweep';
import { registerMatcher } from './matcher';
import { registerMatchSweep } from './matchSweep';
import { registerStatisticsProjector } from './statisticsProjector';
import { routerHttp } from './routerHttp';
import { registerTimers } from './timers';

/** `/routing/jobs/{jobId}:cancel` → `routing/jobs/{jobId}:cancel` (host.json sets no route prefix). */
export const functionsRoute = (path: string) => path.replace(/^\//, '');

// Bodies arrive as streams, so routerHttp reads at most the body limit instead of what the host
// would buffer (100 MB).
app.setup({ enableHttpStream: true });

/**
 * What the app settings ask for decides what is registered: the SQLite mode (only Azurite) runs
 * matching, timers and the relay in process, so a Service Bus trigger, Durable functions and the
 * sweeps would only fail there.
 */
const mode = functionsMode(process.env);

for (const operation of routeTable) {
  app.http(operation.operationId, {
    methods: [operation.method],
    route: functionsRoute(operation.path),
    // Requests are authenticated by their HMAC signature, as the service does, not by function keys.
    authLevel: 'anonymous',
    // Offers, accepts and closes schedule timers through the invocation's Durable client.
    extraInputs: mode === 'azure' ? [durableClientInput] : [],
    handler: routerHttp,
  });
}

// Probes and the OpenAPI document: unsigned, and they need no Durable client.
for (const route of publicRoutes) {
  app.http(route.operationId, { methods: ['GET', 'HEAD'], route: functionsRoute(route.path), authLevel: 'anonymous', handler: publicHttp });
}

// The operations dashboard: one registration for its page and files (the handler serves only those).
app.http('Dashboard', { methods: ['GET', 'HEAD'], route: 'dashboard/{*file}', authLevel: 'anonymous', handler: dashboardHttp });

if (mode === 'azure') {
  registerStatisticsProjector();
  registerMatcher(matchQueueName(process.env));
  registerMatchSweep();
  registerEventSweep();
  registerTimers();
}

// Composed at start rather than on the first request: wrong settings are logged (and answered 503)
// from the start, and a store that is not reachable yet is retried with backoff meanwhile.
app.hook.appStart(() => {
  functionsHost().catch(() => undefined);
});
