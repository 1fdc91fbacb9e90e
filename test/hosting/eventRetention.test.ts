import { ConfigError } from '../../shared/hosting/config';
import { readEventRetentionDays } from '../../shared/hosting/eventRetention';

describe('JOBROUTER_EVENT_RETENTION_DAYS', () => {
  it('defaults to 7 days and reads whole days from 1 to 3650', () => {
    expect(readEventRetentionDays({})).toBe(7);
    expect(readEventRetentionDays({ JOBROUTER_EVENT_RETENTION_DAYS: ' 30 ' })).toBe(30);
    expect(readEventRetentionDays({ JOBROUTER_EVENT_RETENTION_DAYS: '3650' })).toBe(3650);
  });

  it.each(['0', '1.5', 'seven', '-2', '3651'])('refuses %s with what to set instead', (raw) => {
    expect(() => readEventRetentionDays({ JOBROUTER_EVENT_RETENTION_DAYS: raw })).toThrow(ConfigError);
    expect(() => readEventRetentionDays({ JOBROUTER_EVENT_RETENTION_DAYS: raw })).toThrow(`JOBROUTER_EVENT_RETENTION_DAYS="${raw}" must be a whole number of days from 1 to 3650 (default 7).`);
  });
});
