import { RELAY_DEFAULTS } from '../app/EventRelay';
import { ConfigError } from './config';

export const EVENT_RETENTION_SETTING = 'JOBROUTER_EVENT_RETENTION_DAYS';

/** Days the event history keeps delivered events (both hosts); pending and dead-lettered ones stay until settled. */
export function readEventRetentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[EVENT_RETENTION_SETTING]?.trim() ?? '';
  if (raw === '') return RELAY_DEFAULTS.retentionDays;
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < 1 || days > 3650) {
    throw new ConfigError(`${EVENT_RETENTION_SETTING}="${raw}" must be a whole number of days from 1 to 3650 (default ${RELAY_DEFAULTS.retentionDays}).`);
  }
  return days;
}
