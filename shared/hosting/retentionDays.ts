import { ConfigError } from './config';

/** A retention setting in days (blank: `fallback`); refused unless a whole number from 1 to 3650. */
export function readRetentionDays(env: NodeJS.ProcessEnv, setting: string, fallback: number): number {
  const raw = env[setting]?.trim() ?? '';
  if (raw === '') return fallback;
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < 1 || days > 3650) {
    throw new ConfigError(`${setting}="${raw}" must be a whole number of days from 1 to 3650 (default ${fallback}).`);
  }
  return days;
}
