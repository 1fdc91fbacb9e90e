import { app } from '@azure/functions';
import { routeTable } from '../shared/http/routeTable';
import { durableClientInput } from './durableClientInput';
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
