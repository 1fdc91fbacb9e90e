import { chooseAllocation } from '../../../shared/domain/classification/weightedAllocation';
import { seededRandom } from '../../support/prng';

describe('weighted allocation', () => {
  const allocations = [
    { weight: 0.3, name: 'a' },
    { weight: 0.7, name: 'b' },
  ];

  it('splits draws in proportion to the weights (seeded, 10,000 draws, within 2 percentage points)', () => {
    const random = seededRandom(20231115);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++) counts[chooseAllocation(allocations, random)!.name as 'a' | 'b']++;
    expect(Math.abs(counts.a / 10_000 - 0.3)).toBeLessThan(0.02);
    expect(counts.a + counts.b).toBe(10_000);
  });

  it('maps the draw onto cumulative weights', () => {
    expect(chooseAllocation(allocations, () => 0)?.name).toBe('a');
    expect(chooseAllocation(allocations, () => 0.299)?.name).toBe('a');
    expect(chooseAllocation(allocations, () => 0.3)?.name).toBe('b');
    expect(chooseAllocation(allocations, () => 0.999999)?.name).toBe('b');
  });

  it('picks the last allocation when rounding leaves the draw past the end, and nothing from no allocations', () => {
    expect(chooseAllocation([{ weight: 0.1 + 0.2, name: 'x' }, { weight: 0.7, name: 'y' }], () => 0.9999999999999999)?.name).toBe('y');
    expect(chooseAllocation([], () => 0.5)).toBeUndefined();
  });
});
