import { app } from '@azure/functions';
import { publicRoutes } from '../shared/http/publicRoutes';
import { routeTable } from '../shared/http/routeTable';
import { durableClientInput } from './durableClientInput';
import { publicHttp } from './publicHttp';
import { routerHttp } from './routerHttp';
import './matcher';
import './eventSweep';
import './matchSweep';
import './timers';

/** `/routing/jobs/{jobId}:cancel` → `routing/jobs/{jobId}:cancel` (host.json sets no route prefix). */
export const functionsRoute = (path: string) => path.replace(/^\//, '');

for (const operation of routeTable) {
  app.http(operation.operationId, {
    methods: [operation.method],
    route: functionsRoute(operation.path),
    // Requests are authenticated by their HMAC signature, as the service does, not by function keys.
    authLevel: 'anonymous',
    // Offers, accepts and closes schedule timers through the invocation's Durable client.
    extraInputs: [durableClientInput],
    handler: routerHttp,
  });
}

// Probes and the OpenAPI document: unsigned, and they need no Durable client.
for (const route of publicRoutes) {
  app.http(route.operationId, { methods: ['GET', 'HEAD'], route: functionsRoute(route.path), authLevel: 'anonymous', handler: publicHttp });
}
