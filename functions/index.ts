import { app } from '@azure/functions';
import { routeTable } from '../shared/http/routeTable';
import { routerHttp } from './routerHttp';

/** `/routing/jobs/{jobId}:cancel` → `routing/jobs/{jobId}:cancel` (host.json sets no route prefix). */
export const functionsRoute = (path: string) => path.replace(/^\//, '');

for (const operation of routeTable) {
  app.http(operation.operationId, {
    methods: [operation.method],
    route: functionsRoute(operation.path),
    // Requests are authenticated by their HMAC signature, as the service does, not by function keys.
    authLevel: 'anonymous',
    handler: routerHttp,
  });
}
