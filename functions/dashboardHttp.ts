import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { answerDashboardFile, isDashboardPath } from '../shared/http/dashboardFiles';
import { toMessage } from './routerHttp';

/** The operations dashboard's page and scripts (unsigned; the page signs its own data calls). */
export async function dashboardHttp(request: HttpRequest): Promise<HttpResponseInit> {
  const message = await toMessage(request, 0);
  const pathname = new URL(message.url, 'http://router.invalid').pathname;
  if (!isDashboardPath(pathname)) return { status: 404 };
  const response = answerDashboardFile(pathname, message);
  return { status: response.status, headers: response.headers, body: response.body };
}
