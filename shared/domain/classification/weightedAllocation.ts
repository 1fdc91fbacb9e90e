/** A source of uniform numbers in [0, 1): Math.random in production, a seeded generator in tests. */
export type RandomSource = () => number;

/**
 * Draws one allocation in proportion to its weight (the weights add up to 1, checked at upsert).
 * Rounding that leaves the draw past the last boundary picks the last allocation.
 */
export function chooseAllocation<A extends { weight: number }>(allocations: readonly A[], random: RandomSource): A | undefined {
  const total = allocations.reduce((sum, a) => sum + a.weight, 0);
  let draw = random() * total;
  for (const allocation of allocations) {
    draw -= allocation.weight;
    if (draw < 0) return allocation;
  }
  return allocations[allocations.length - 1];
}
