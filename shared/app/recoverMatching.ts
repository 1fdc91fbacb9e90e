import type { RouterPorts } from '../ports/RouterPorts';

const PAGE = 500;

/**
 * Asks for a matching pass over every queue. Match requests are not durable, so a host that starts
 * (possibly after a crash that lost some) runs this once; it costs one request per queue.
 */
export async function recoverMatching(ports: RouterPorts): Promise<number> {
  let afterId: string | undefined;
  let queues = 0;
  for (;;) {
    const page = await ports.store.list('queues', { pageSize: PAGE, afterId });
    await ports.matchQueue.enqueue(page.items.map((doc) => ({ queueId: doc.id })));
    queues += page.items.length;
    const last = page.items[page.items.length - 1];
    if (!page.hasMore || !last) return queues;
    afterId = last.id;
  }
}
