import { RELAY_DEFAULTS } from '../app/EventRelay';
import { readRetentionDays } from './retentionDays';

export const EVENT_RETENTION_SETTING = 'JOBROUTER_EVENT_RETENTION_DAYS';

/** Days the event history keeps delivered events (both hosts); pending and dead-lettered ones stay until settled. */
export const readEventRetentionDays = (env: NodeJS.ProcessEnv = process.env): number => readRetentionDays(env, EVENT_RETENTION_SETTING, RELAY_DEFAULTS.retentionDays);
