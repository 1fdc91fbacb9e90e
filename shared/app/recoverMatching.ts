import type { RouterPorts } from '../ports/RouterPorts';
import { pagesOf } from './pagesOf';

const PAGE = 500;

/**
 * Asks for a matching pass over every queue. Match requests are not durable, so a host that starts
 * (possibly after a crash that lost some) runs this once; it costs one request per queue.
 */
export async function recoverMatching(ports: RouterPorts): Promise<number> {
  let queues = 0;
  for await (const docs of pagesOf(ports.store, 'queues', { pageSize: PAGE })) {
    await ports.matchQueue.enqueue(docs.map((doc) => ({ queueId: doc.id })));
    queues += docs.length;
  }
  return queues;
}
