import { addNote, applyClose, assignmentHoldsCapacity, DEFAULT_CLOSE_DISPOSITION, requireStatus } from '../../../shared/domain/routing/jobLifecycle';
import type { JobStatus } from '../../../shared/domain/resources/jobStatus';
import { JOB_STATUSES } from '../../../shared/domain/resources/jobStatus';
import { jobRouting } from '../../../shared/domain/routing/routingState';
import { at, makeJob, MINUTE } from './helpers';

const CLOSE_AT = at(30 * MINUTE + 1234); // 2024-01-01T00:30:01.234Z
const CLOSE_AT_WIRE = '2024-01-01T00:30:01.234+00:00';

const assignedJob = (status: JobStatus = 'completed') =>
  makeJob({
    status,
    assignments: {
      a1: { assignmentId: 'a1', workerId: 'w1', assignedAt: '2024-01-01T00:10:00+00:00', completedAt: '2024-01-01T00:20:00+00:00' },
      a0: { assignmentId: 'a0', workerId: 'w0', assignedAt: '2024-01-01T00:01:00+00:00', closedAt: '2024-01-01T00:05:00+00:00' },
    },
  });

describe('applyClose', () => {
  it('closes the job and its assignment at the given time, with the default disposition', () => {
    const job = assignedJob();
    applyClose(job, 'a1', {}, CLOSE_AT);
    expect(job.status).toBe('closed');
    expect(job.assignments['a1']?.closedAt).toBe(CLOSE_AT_WIRE);
    expect(job.dispositionCode).toBe('Closed');
    expect(DEFAULT_CLOSE_DISPOSITION).toBe('Closed');
    expect(job.notes).toEqual([]);
  });

  it('leaves the other assignments as they were', () => {
    const job = assignedJob();
    const before = structuredClone(job.assignments['a0']);
    applyClose(job, 'a1', {}, CLOSE_AT);
    expect(job.assignments['a0']).toEqual(before);
    expect(job.assignments['a1']?.completedAt).toBe('2024-01-01T00:20:00+00:00');
  });

  it('uses the disposition code given, over one the job already has', () => {
    const job = assignedJob();
    job.dispositionCode = 'Earlier';
    applyClose(job, 'a1', { dispositionCode: 'Resolved' }, CLOSE_AT);
    expect(job.dispositionCode).toBe('Resolved');
  });

  it('keeps the disposition code the job already has when none is given', () => {
    const job = assignedJob();
    job.dispositionCode = 'Earlier';
    applyClose(job, 'a1', {}, CLOSE_AT);
    expect(job.dispositionCode).toBe('Earlier');
  });

  it('adds the note with the close time, after the existing notes', () => {
    const job = assignedJob();
    job.notes.push({ message: 'first', addedAt: '2024-01-01T00:00:00+00:00' });
    applyClose(job, 'a1', { note: 'customer happy' }, CLOSE_AT);
    expect(job.notes).toEqual([
      { message: 'first', addedAt: '2024-01-01T00:00:00+00:00' },
      { message: 'customer happy', addedAt: CLOSE_AT_WIRE },
    ]);
  });

  it('adds no note for an empty one', () => {
    const job = assignedJob();
    applyClose(job, 'a1', { note: '' }, CLOSE_AT);
    expect(job.notes).toEqual([]);
  });

  it('clears a pending (scheduled) close and keeps the rest of the routing state', () => {
    const job = assignedJob();
    const routing = jobRouting(job);
    routing.pendingClose = { assignmentId: 'a1', closeAt: '2024-01-01T01:00:00+00:00', dispositionCode: 'Later' };
    routing.unassignmentCount = 2;
    routing.declines.push({ workerId: 'w9', at: '2024-01-01T00:02:00+00:00' });
    applyClose(job, 'a1', {}, CLOSE_AT);
    expect(job._routing?.pendingClose).toBeUndefined();
    expect(job._routing?.unassignmentCount).toBe(2);
    expect(job._routing?.declines).toHaveLength(1);
  });

  it('closes the job even when the assignment id is unknown, without inventing an assignment', () => {
    const job = assignedJob();
    applyClose(job, 'nope', {}, CLOSE_AT);
    expect(job.status).toBe('closed');
    expect(Object.keys(job.assignments).sort()).toEqual(['a0', 'a1']);
    expect(job.assignments['a1']?.closedAt).toBeUndefined();
  });

  it('can close an assigned (not yet completed) job', () => {
    const job = assignedJob('assigned');
    applyClose(job, 'a1', { dispositionCode: 'Abandoned' }, CLOSE_AT);
    expect(job.status).toBe('closed');
    expect(job.dispositionCode).toBe('Abandoned');
  });
});

describe('assignmentHoldsCapacity', () => {
  it.each<[JobStatus, boolean]>(JOB_STATUSES.map((s) => [s, s === 'assigned' || s === 'completed']))('status %s → %s', (status, expected) => {
    expect(assignmentHoldsCapacity(assignedJob(status), 'a1')).toBe(expected);
  });

  it('is false for an assignment the job does not have, or a job that no longer exists', () => {
    expect(assignmentHoldsCapacity(assignedJob('assigned'), 'a9')).toBe(false);
    expect(assignmentHoldsCapacity(undefined, 'a1')).toBe(false);
  });

  it('stops holding once the job is closed', () => {
    const job = assignedJob('completed');
    expect(assignmentHoldsCapacity(job, 'a1')).toBe(true);
    applyClose(job, 'a1', {}, CLOSE_AT);
    expect(assignmentHoldsCapacity(job, 'a1')).toBe(false);
  });
});

describe('requireStatus and addNote', () => {
  it('requireStatus passes an allowed status and explains a refused one', () => {
    const job = makeJob({ id: 'j5', status: 'queued' });
    expect(requireStatus(job, ['queued', 'assigned'], 'cancelling')).toBeUndefined();
    expect(requireStatus(job, ['assigned', 'completed'], 'closing')).toBe("The job 'j5' is queued; closing needs a job that is assigned or completed.");
  });

  it('addNote appends a note in the wire time format, and skips an absent one', () => {
    const job = makeJob();
    addNote(job, 'hello', at(0));
    addNote(job, undefined, at(1));
    expect(job.notes).toEqual([{ message: 'hello', addedAt: '2024-01-01T00:00:00+00:00' }]);
  });
});
