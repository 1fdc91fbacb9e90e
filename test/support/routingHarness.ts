import type { PathUncheckedResponse } from '@azure-rest/core-client';
import type { RouterEvent, RouterEventType } from '../../shared/ports/EventPublisher';
import type { Store } from '../../shared/ports/Store';
import { recordedEvents } from './recordedEvents';
import { newSignableTestClock } from './routingFixtures';
import { startRouterUnderTest, type RouterUnderTest } from './routerUnderTest';
import { patch } from './signedClient';
import type { TestClock } from './testClock';

/** A response body as the REST client types it (loosely: tests read arbitrary members). */
export type Json = PathUncheckedResponse['body'];
export type Client = RouterUnderTest['client'];

export interface Offer {
  offerId: string;
  jobId: string;
  capacityCost: number;
  offeredAt: string;
  expiresAt: string;
}

/**
 * What the routing API suites share: a router (embedded, or the Azure composition) on a TestClock the
 * HMAC check accepts, requests that must succeed, settling matching and timers, and reading offers and
 * recorded events. Suites extend it with their own vocabulary.
 */
export class RoutingHarness {
  constructor(
    readonly router: RouterUnderTest,
    readonly clock: TestClock,
  ) {}

  static async start<H extends RoutingHarness>(this: new (router: RouterUnderTest, clock: TestClock) => H, options: { random?: () => number } = {}): Promise<H> {
    const clock = newSignableTestClock();
    return new this(await startRouterUnderTest({ clock, ...options }), clock);
  }

  get client(): Client {
    return this.router.client;
  }

  get store(): Store {
    return this.router.store;
  }

  close(): Promise<void> {
    return this.router.close();
  }

  /** PATCH that must succeed (200 or 201); answers the body. */
  async upsert(path: string, body: unknown, client: Client = this.client): Promise<Json> {
    const response = await patch(client, path, body);
    if (response.status !== '200' && response.status !== '201') throw new Error(`PATCH ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  settle(): Promise<void> {
    return this.router.engine.idle();
  }

  /** Moves the clock, fires what is due and lets matching finish. */
  async elapse(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.router.engine.scheduler.runDue();
    await this.settle();
  }

  async get(path: string): Promise<Json> {
    const response = await this.client.pathUnchecked(path).get();
    if (response.status !== '200') throw new Error(`GET ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async offers(workerId: string): Promise<Offer[]> {
    return (await this.get(`/routing/workers/${workerId}`)).offers as Offer[];
  }

  /** The one offer the worker holds, which must be for this job. */
  async offerTo(workerId: string, jobId: string): Promise<Offer> {
    const offers = await this.offers(workerId);
    expect(offers).toEqual([expect.objectContaining({ jobId })]);
    return offers[0] as Offer;
  }

  /** Job ids of the worker's open offers, sorted. */
  async offeredJobs(workerId: string): Promise<string[]> {
    return (await this.offers(workerId)).map((o) => o.jobId).sort();
  }

  /** Accepts the worker's offer for the job; answers the assignment id once matching settled. */
  async acceptJob(workerId: string, jobId: string): Promise<string> {
    const offer = await this.offerTo(workerId, jobId);
    const accepted = await this.client.pathUnchecked(`/routing/workers/${workerId}/offers/${offer.offerId}:accept`).post();
    expect(accepted.status).toBe('200');
    await this.settle();
    return accepted.body.assignmentId as string;
  }

  async events(type: RouterEventType): Promise<RouterEvent[]> {
    return (await recordedEvents(this.store)).filter((e) => e.type === type);
  }
}
