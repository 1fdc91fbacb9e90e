import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One HTTP request as the receiver saw it. */
export interface WebhookRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** `performance.now()` when the whole body had arrived. */
  receivedAt: number;
  /** What the receiver answered; 0 while a hanging request is left unanswered. */
  status: number;
}

/** An accepted notification: the events of its body (a JSON array; a single object counts as one event). */
export interface WebhookDelivery extends WebhookRequest {
  events: Record<string, unknown>[];
}

export interface WebhookReceiver {
  /** Where subscriptions point: `http://127.0.0.1:<port>/api/events`. */
  readonly url: string;
  /** Notifications answered 200, in arrival order. */
  readonly deliveries: WebhookDelivery[];
  /** Subscription validation handshakes (Event Grid SubscriptionValidation POSTs, CloudEvents OPTIONS), answered or refused. */
  readonly validations: WebhookRequest[];
  /** Every request: handshakes, notifications, failed and hanging ones. */
  readonly requests: WebhookRequest[];
  /** The events of every accepted notification, in order. */
  events(): Record<string, unknown>[];
  /** Answers the next `count` notifications with `status` and `body` (handshakes are not counted). */
  failNext(count: number, status?: number, body?: string): void;
  /** Leaves the next `count` notifications unanswered until the sender gives up or the receiver closes. */
  hangNext(count: number): void;
  /**
   * Answers the next `times` handshakes as an endpoint that does not know them would: `status` (200 by
   * default) without the validation code or the allowed-origin header.
   */
  refuseValidation(times?: number, status?: number): void;
  /** Resolves once `predicate` holds (checked now and after every request); rejects after `timeoutMs`. */
  waitFor(predicate: (receiver: WebhookReceiver) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface WebhookReceiverOptions {
  /** Answer the CloudEvents handshake with `WebHook-Allowed-Origin: *` instead of echoing the origin. */
  allowAnyOrigin?: boolean;
}

const VALIDATION_EVENT_TYPE = 'Microsoft.EventGrid.SubscriptionValidationEvent';

type PlannedAnswer = { status: number; body: string } | 'hang';

/**
 * A local webhook endpoint that behaves like a well-written Event Grid subscriber: it completes the
 * Event Grid validation handshake (echoing `data.validationCode`) and the CloudEvents abuse-protection
 * handshake (OPTIONS), and records the notifications it accepts. Failures and silence can be scripted.
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const deliveries: WebhookDelivery[] = [];
  const validations: WebhookRequest[] = [];
  const requests: WebhookRequest[] = [];
  const planned: PlannedAnswer[] = [];
  const hanging = new Set<http.ServerResponse>();
  const listeners = new Set<() => void>();
  let refusals = 0;
  let refusalStatus = 200;

  const answered = (request: WebhookRequest, res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders = {}, body?: string) => {
    request.status = status;
    res.writeHead(status, headers).end(body);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    const request: WebhookRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, receivedAt: performance.now(), status: 0 };
    requests.push(request);
    if (req.method === 'OPTIONS') {
      validations.push(request);
      const origin = req.headers['webhook-request-origin'];
      if (typeof origin !== 'string') {
        answered(request, res, 400);
        return;
      }
      if (refusals > 0) {
        refusals--;
        answered(request, res, refusalStatus);
        return;
      }
      answered(request, res, 200, { 'WebHook-Allowed-Origin': options.allowAnyOrigin ? '*' : origin, 'WebHook-Allowed-Rate': '*', Allow: 'POST, OPTIONS' });
      return;
    }
    const events = parseEvents(body);
    const validation = events.length === 1 && events[0]?.eventType === VALIDATION_EVENT_TYPE ? events[0] : undefined;
    if (validation) {
      validations.push(request);
      if (refusals > 0) {
        refusals--;
        answered(request, res, refusalStatus, { 'content-type': 'application/json' }, '{}');
        return;
      }
      const { validationCode } = validation.data as { validationCode?: unknown };
      answered(request, res, 200, { 'content-type': 'application/json' }, JSON.stringify({ validationResponse: validationCode }));
      return;
    }
    const plan = planned.shift();
    if (plan === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (plan) {
      answered(request, res, plan.status, {}, plan.body);
      return;
    }
    deliveries.push({ ...request, status: 200, events });
    answered(request, res, 200);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
      for (const listener of [...listeners]) listener();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/api/events`,
    deliveries,
    validations,
    requests,
    events: () => deliveries.flatMap((d) => d.events),
    failNext: (count, status = 503, body = '') => {
      for (let i = 0; i < count; i++) planned.push({ status, body });
    },
    hangNext: (count) => {
      for (let i = 0; i < count; i++) planned.push('hang');
    },
    refuseValidation: (times = Number.POSITIVE_INFINITY, status = 200) => {
      refusals = times;
      refusalStatus = status;
    },
    waitFor: (predicate, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (predicate(receiver)) {
          resolve();
          return;
        }
        const check = () => {
          if (!predicate(receiver)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`webhook receiver: condition not met within ${timeoutMs} ms (${requests.length} requests, ${deliveries.length} accepted notifications)`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return receiver;
}

function parseEvents(body: string): Record<string, unknown>[] {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (Array.isArray(parsed)) return parsed as Record<string, unknown>[];
    return typeof parsed === 'object' && parsed !== null ? [parsed as Record<string, unknown>] : [];
  } catch {
    return [];
  }
}
