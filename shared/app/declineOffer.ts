import type { DeclineJobOfferOptions } from '../domain/model';
import { offerEvents, type EventContext } from '../domain/routing/routerEvents';
import { jobRouting } from '../domain/routing/routingState';
import { toSortableTime, toWireTime } from '../domain/wireTime';
import type { RouterPorts } from '../ports/RouterPorts';
import { offerGone } from './acceptOffer';
import { AppError } from './AppError';
import { mutateDocument } from './mutateDocument';
import { endWorkerOffer, offerTimerId } from './offerEnds';
import { writeContext } from './outbox';
import { jobs, matchWorker, readWorker, recordLoose } from './routingDocuments';
import { timerFor, timerId } from './timers/timerKinds';

export const retryTimerId = (jobId: string, workerId: string) => timerId('retryOffer', { jobId, workerId });

/**
 * `:decline`. The worker first: removing the offer there settles it against a concurrent accept or
 * expiry, and frees the capacity. The job then records the decline (the worker is not offered the job
 * again; until then its stale offer record already keeps it out) and goes to the next worker. With
 * `retryOfferAt` the worker is eligible again at that time, when the job is matched again.
 */
export async function declineOffer(ports: RouterPorts, workerId: string, offerId: string, options: DeclineJobOfferOptions): Promise<void> {
  const worker = await readWorker(ports, workerId);
  if (!worker) throw new AppError('notFound', `The worker '${workerId}' was not found.`);
  const offer = worker.body.offers.find((o) => o.offerId === offerId);
  if (!offer) throw offerGone(worker.body, workerId, offerId, 'decline');
  const freed = await endWorkerOffer(ports, workerId, offerId, 'declined', undefined, worker);
  if (!freed) {
    throw offerGone((await readWorker(ports, workerId))?.body ?? worker.body, workerId, offerId, 'decline');
  }
  await ports.scheduler.cancel(offerTimerId(offerId));
  const retryAt = options.retryOfferAt ? toWireTime(options.retryOfferAt) : undefined;
  const declinedEvent = (context: EventContext, job: Parameters<typeof offerEvents.ended>[3]) => offerEvents.ended(context, 'RouterWorkerOfferDeclined', { offerId, workerId }, job);
  const declined = await mutateDocument(
    ports,
    jobs,
    offer.jobId,
    (job, now) => {
      const routing = jobRouting(job);
      routing.offers = routing.offers.filter((o) => o.offerId !== offerId);
      routing.declines = [...routing.declines.filter((d) => d.workerId !== workerId), { workerId, at: toWireTime(now), retryAt }];
      return true;
    },
    (job, context) => [declinedEvent(context, job)],
  );
  const job = declined?.document.body;
  if (!job) await recordLoose(ports, [declinedEvent(writeContext(ports, ports.clock.now()), { id: offer.jobId })]);
  if (!job?.queueId) return;
  if (retryAt) {
    await ports.scheduler.schedule(timerFor('retryOffer', { jobId: job.id, workerId }, toSortableTime(retryAt)));
  }
  await ports.matchQueue.enqueue([{ queueId: job.queueId, jobId: job.id }]);
  await matchWorker(ports, freed);
}
