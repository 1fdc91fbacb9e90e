import { randomBytes } from 'node:crypto';
import type { Collection } from '../../shared/ports/Store';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { recordingLogger } from '../support/recordingLogger';
import { signHeaders } from '../support/rawSignedFetch';
import { patch } from '../support/signedClient';
import { snapshotStore } from '../support/snapshotStore';
import { TestClock } from '../support/testClock';
import { BODY_TEMPLATES } from './bodyTemplates';
import type { HostileRequest, KnownIds } from './hostileRequests';

export interface HostileAnswer {
  status: number;
  contentType: string;
  text: string;
}

/**
 * An embedded host over real HTTP with a small world seeded through the signing client: policies, a
 * queue, workers, a job with an open offer and one with an assignment, so that generated requests
 * can name things that exist. Its clock stands still (started at the real time so signatures stay
 * within the allowed skew): no timer comes due while a property runs, so the store only changes
 * when a request changes it.
 */
export class HostileRouter {
  private constructor(
    readonly router: TestRouter,
    /** Ids the seeding created, per path parameter: generated requests pick from them. */
    readonly known: KnownIds,
    /** Every line the router logged: a refusal must never be logged as a failure. */
    readonly logger: ReturnType<typeof recordingLogger>,
  ) {}

  static async start(): Promise<HostileRouter> {
    const clock = new TestClock(new Date());
    const logger = recordingLogger();
    const router = await startTestRouter({ clock, logger });
    const seed = async (path: string, body: unknown) => {
      const answer = await patch(router.client, path, body);
      if (answer.status !== '201' && answer.status !== '200') throw new Error(`seeding ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    };
    await seed('/routing/distributionPolicies/dp', BODY_TEMPLATES['UpsertDistributionPolicy']);
    await seed('/routing/exceptionPolicies/ep', BODY_TEMPLATES['UpsertExceptionPolicy']);
    await seed('/routing/queues/q', BODY_TEMPLATES['UpsertQueue']);
    await seed('/routing/classificationPolicies/cp', BODY_TEMPLATES['UpsertClassificationPolicy']);
    await seed('/routing/workers/w1', BODY_TEMPLATES['UpsertWorker']);
    await seed('/routing/workers/w2', { ...(BODY_TEMPLATES['UpsertWorker'] as object), labels: { skill: 2 } });
    await seed('/routing/jobs/j1', { channelId: 'voice', queueId: 'q', labels: { skill: 1 } });
    await seed('/routing/jobs/j2', { channelId: 'voice', queueId: 'q', labels: { skill: 1 } });
    await seed('/routing/jobs/j3', { channelId: 'voice', classificationPolicyId: 'cp', labels: { language: 'en', skill: 3 } });
    await router.engine.idle();
    const w1 = (await router.client.pathUnchecked('/routing/workers/w1').get()).body as { offers: { offerId: string; jobId: string }[] };
    const first = w1.offers[0];
    if (first) {
      const accepted = await router.client.pathUnchecked(`/routing/workers/w1/offers/${first.offerId}:accept`).post();
      if (accepted.status !== '200') throw new Error(`seeding accept: ${accepted.status}`);
    }
    const hostile = new HostileRouter(router, {}, logger);
    await hostile.settle();
    Object.assign(hostile.known, await hostile.currentIds());
    return hostile;
  }

  /** Ids that exist now, per path parameter of the route table. */
  async currentIds(): Promise<KnownIds> {
    const ids = async (collection: Collection) => (await this.router.store.list(collection, { pageSize: 1000 })).items.map((d) => d.id);
    const jobs = (await this.router.store.list<{ assignments?: Record<string, unknown> }>('jobs', { pageSize: 1000 })).items;
    const workers = (await this.router.store.list<{ offers?: { offerId: string }[] }>('workers', { pageSize: 1000 })).items;
    return {
      classificationPolicyId: await ids('classificationPolicies'),
      distributionPolicyId: await ids('distributionPolicies'),
      exceptionPolicyId: await ids('exceptionPolicies'),
      queueId: await ids('queues'),
      jobId: jobs.map((d) => d.id),
      workerId: workers.map((d) => d.id),
      assignmentId: jobs.flatMap((d) => Object.keys(d.body.assignments ?? {})),
      offerId: workers.flatMap((d) => (d.body.offers ?? []).map((o) => o.offerId)),
      subscriptionName: ['webhook', 'default'],
    };
  }

  /** Until matching, event recording and timers due now have nothing left to do. */
  async settle(): Promise<void> {
    for (let round = 0; round < 5; round++) {
      await this.router.engine.idle();
      await this.router.engine.relay.idle();
      if ((await this.router.engine.scheduler.runDue()) === 0) break;
    }
    await this.router.engine.idle();
  }

  snapshot(): Promise<string> {
    return snapshotStore(this.router.store);
  }

  /** Sends one generated request over real HTTP; an event stream is read up to its headers only. */
  async send(request: HostileRequest): Promise<HostileAnswer> {
    const url = new URL(request.path, this.router.url);
    const bytes = Buffer.from(request.body ?? '', 'utf8');
    const key = request.auth === 'otherKey' ? randomBytes(32).toString('base64') : this.router.accessKey;
    const signature = signHeaders(request.method, url, bytes, key, request.auth === 'unsigned' ? { authorization: null } : {});
    const response = await fetch(`${url.origin}${request.path}`, {
      method: request.method,
      headers: { ...request.headers, ...signature },
      body: request.body === undefined ? undefined : new Uint8Array(bytes),
    });
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, contentType, text: '' };
    }
    return { status: response.status, contentType, text: await response.text() };
  }

  close(): Promise<void> {
    return this.router.close();
  }
}
