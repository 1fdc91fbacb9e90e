import { JOB_MATCH_ORDER, SEP, prefixRange } from '../domain/routing/routingKeys';
import type { RouterPorts } from '../ports/RouterPorts';

/** Above every match order key (they are strings of ids and digits). */
const END = String.fromCodePoint(0x10ffff);

/**
 * Asks for a matching pass over each queue that has a job waiting to be matched, and no other: a lost
 * match request only matters where a job waits. It walks the match order index one queue at a time
 * (the first waiting job, then past that queue's range), so it costs one read per such queue plus one,
 * and a single read when nothing waits; recoverMatching asks for every queue instead.
 */
export async function requestMatchingForWaitingJobs(ports: RouterPorts): Promise<number> {
  let from = '';
  let queues = 0;
  for (;;) {
    const [first] = await ports.store.range('jobs', { key: JOB_MATCH_ORDER, from, to: END, limit: 1 });
    const order = first?.keys[JOB_MATCH_ORDER];
    if (typeof order !== 'string') return queues;
    const queueId = order.slice(0, order.indexOf(SEP));
    await ports.matchQueue.enqueue([{ queueId }]);
    queues += 1;
    from = prefixRange(queueId).to;
  }
}
