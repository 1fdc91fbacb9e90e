import type { CancelJobOptions } from '../domain/model';
import { isTerminal, jobResource, type RouterJob } from '../domain/resources';
import { toWireTime } from '../domain/wireTime';
import type { RouterPorts } from '../ports/RouterPorts';
import { AppError } from './AppError';
import { modifyResource } from './modifyResource';

/** `:cancel`: any job that is not closed or cancelled ends as `cancelled` (API.md §6). */
export async function cancelJob(ports: RouterPorts, jobId: string, options: CancelJobOptions): Promise<void> {
  await modifyResource<RouterJob>(ports, jobResource, jobId, (job, now) => {
    if (isTerminal(job.status)) {
      throw new AppError('conflict', `The job '${jobId}' is ${job.status}; only a job that is not closed or cancelled can be cancelled.`);
    }
    job.status = 'cancelled';
    job.dispositionCode = options.dispositionCode ?? 'Cancelled';
    if (options.note) job.notes.push({ message: options.note, addedAt: toWireTime(now) });
    return job;
  });
}
