import { chooseQueue } from '../../../shared/domain/classification/queueSelection';
import type { RouterQueue } from '../../../shared/domain/resources';

const queue = (id: string, labels: Record<string, string | number | boolean> = {}): RouterQueue => ({ id, distributionPolicyId: 'dp', labels: { ...labels, Id: id } });

describe('queue selection by labels', () => {
  const queues = [queue('a-general', { Region: 'NA', Tier: 1 }), queue('b-vip', { Region: 'NA', Tier: 3 }), queue('c-eu', { Region: 'EU', Tier: 3 })];

  it('chooses the first queue (in the order given) whose labels satisfy every selector', () => {
    expect(chooseQueue([{ key: 'Region', labelOperator: 'equal', value: 'NA' }], queues)?.id).toBe('a-general');
    expect(chooseQueue([{ key: 'Region', labelOperator: 'equal', value: 'NA' }, { key: 'Tier', labelOperator: 'greaterThan', value: 2 }], queues)?.id).toBe('b-vip');
  });

  it('matches the implicit Id label', () => {
    expect(chooseQueue([{ key: 'Id', labelOperator: 'equal', value: 'c-eu' }], queues)?.id).toBe('c-eu');
  });

  it('chooses nothing when no queue matches or there are no selectors (the fallback queue applies)', () => {
    expect(chooseQueue([{ key: 'Region', labelOperator: 'equal', value: 'APAC' }], queues)).toBeUndefined();
    expect(chooseQueue([], queues)).toBeUndefined();
  });
});
