import { PROJECTOR_DEFAULTS } from '../app/statistics/StatisticsProjector';
import { readRetentionDays } from './retentionDays';

export const STATISTICS_RETENTION_SETTING = 'JOBROUTER_STATISTICS_RETENTION_DAYS';

/** Days the statistics aggregates are kept (both hosts); older slots are removed by the projector. */
export const readStatisticsRetentionDays = (env: NodeJS.ProcessEnv = process.env): number => readRetentionDays(env, STATISTICS_RETENTION_SETTING, PROJECTOR_DEFAULTS.retentionDays);
