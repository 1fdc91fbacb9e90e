/**
 * Answers after which Event Grid does not retry a delivery: the request itself is refused (bad request,
 * not authorised, no such endpoint, too large), so sending it again cannot help. Every other failure
 * (408, 429, 5xx, no answer) can pass.
 */
const PERMANENT_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 413]);

export const isPermanentStatus = (status: number): boolean => PERMANENT_STATUSES.has(status);
