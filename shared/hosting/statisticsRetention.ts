import { PROJECTOR_DEFAULTS } from '../app/statistics/StatisticsProjector';
import { ConfigError } from './config';

export const STATISTICS_RETENTION_SETTING = 'JOBROUTER_STATISTICS_RETENTION_DAYS';

/** Days the statistics aggregates are kept (both hosts); older slots are removed by the projector. */
export function readStatisticsRetentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[STATISTICS_RETENTION_SETTING]?.trim() ?? '';
  if (raw === '') return PROJECTOR_DEFAULTS.retentionDays;
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < 1 || days > 3650) {
    throw new ConfigError(`${STATISTICS_RETENTION_SETTING}="${raw}" must be a whole number of days from 1 to 3650 (default ${PROJECTOR_DEFAULTS.retentionDays}).`);
  }
  return days;
}
