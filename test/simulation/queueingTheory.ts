/**
 * Closed forms of the two textbook contact-centre models, computed here from their definitions so the
 * simulator is checked against theory and not against another program's numbers.
 *
 * M/M/c (Erlang C): Poisson arrivals at rate λ, c agents, exponential handle times of mean 1/μ, no
 * abandonment. Offered load a = λ/μ, agent occupancy ρ = a/c < 1.
 * M/M/c+M (Erlang A, Palm's model): the same with exponential patience of mean 1/θ; a customer still
 * waiting when patience runs out abandons.
 */

export interface Model {
  /** Arrivals per second. */
  lambda: number;
  /** Mean handle time, seconds. */
  handleSeconds: number;
  agents: number;
  /** Mean patience, seconds; Infinity for Erlang C. */
  patienceSeconds: number;
}

export interface Theory {
  /** Probability an arrival waits at all (finds every agent busy). */
  pWait: number;
  /** Mean wait of answered customers. */
  asaSeconds: number;
  /** Mean time in queue of all arrivals. */
  meanWaitSeconds: number;
  abandonRate: number;
  /** Probability an arrival is answered within `t` seconds. */
  serviceLevel: (t: number) => number;
  /** Busy agents over agents. */
  occupancy: number;
}

/** Erlang B by its stable recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)). */
export function erlangB(agents: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: P(wait) = c·B / (c − a·(1 − B)); ASA = C/(cμ − λ); SL(t) = 1 − C·e^{−(cμ−λ)t}. */
export function erlangC({ lambda, handleSeconds, agents }: Model): Theory {
  const mu = 1 / handleSeconds;
  const a = lambda / mu;
  if (a >= agents) throw new Error('Erlang C needs a load below the number of agents');
  const b = erlangB(agents, a);
  const c = (agents * b) / (agents - a * (1 - b));
  const drain = agents * mu - lambda;
  return {
    pWait: c,
    asaSeconds: c / drain,
    meanWaitSeconds: c / drain,
    abandonRate: 0,
    serviceLevel: (t) => 1 - c * Math.exp(-drain * t),
    occupancy: a / agents,
  };
}

/**
 * Erlang A from the birth–death chain of the number in system n: births λ; deaths nμ for n ≤ c and
 * cμ + (n−c)θ above (service plus abandonment). Its stationary law π is summed until the terms vanish.
 * By PASTA an arrival sees π: it waits when n ≥ c; Little's law on the queue gives the mean wait
 * E[Q]/λ and the abandonment rate θ·E[Q]/λ. The service level needs the wait's law: an arrival with
 * k customers ahead moves up at rate cμ + kθ and abandons at θ; the chance it reaches an agent within t
 * is found by uniformizing that small absorbing chain (exact up to the truncation of the Poisson sum).
 */
export function erlangA({ lambda, handleSeconds, agents, patienceSeconds }: Model): Theory {
  const mu = 1 / handleSeconds;
  const theta = 1 / patienceSeconds;
  // Unnormalized π_n, in log space until it is safely normalizable.
  const weights: number[] = [1];
  for (let n = 1; ; n++) {
    const death = n <= agents ? n * mu : agents * mu + (n - agents) * theta;
    const w = (weights[n - 1]! * lambda) / death;
    weights.push(w);
    if (n > agents && w < 1e-18 * weights.reduce((s, v) => s + v, 0)) break;
    if (n > 100_000) throw new Error('Erlang A: the chain does not settle');
  }
  const total = weights.reduce((s, v) => s + v, 0);
  const pi = weights.map((w) => w / total);
  const pWait = pi.slice(agents).reduce((s, v) => s + v, 0);
  const queueMean = pi.reduce((s, p, n) => s + Math.max(0, n - agents) * p, 0);
  const busyMean = pi.reduce((s, p, n) => s + Math.min(n, agents) * p, 0);
  const meanWait = queueMean / lambda;
  const abandonRate = theta * meanWait;
  const answered = 1 - abandonRate;
  const serviceLevel = (t: number) => pi.slice(0, agents).reduce((s, v) => s + v, 0) + servedWithin(pi.slice(agents), agents * mu, theta, t);
  return {
    pWait,
    asaSeconds: answeredWaitMean(pi.slice(agents), agents * mu, theta) / answered,
    meanWaitSeconds: meanWait,
    abandonRate,
    serviceLevel,
    occupancy: busyMean / agents,
  };
}

/**
 * P(reach an agent within t) for arrivals that find k = 0, 1, … customers ahead with probabilities
 * `ahead[k]`: uniformization of the chain "k ahead" → "k−1 ahead" at rate cμ + kθ (k = 0 → served),
 * → abandoned at θ.
 */
function servedWithin(ahead: readonly number[], serviceRate: number, theta: number, t: number): number {
  const K = ahead.length;
  const uniform = serviceRate + K * theta + theta;
  let v = [...ahead];
  let served = 0;
  const lt = uniform * t;
  // Poisson(Λt) weights of the number of jumps, and the served mass after each number of jumps.
  let weight = Math.exp(-lt);
  let cumulativeWeight = 0;
  let result = 0;
  for (let n = 0; n < lt + 20 * Math.sqrt(lt + 1) + 50; n++) {
    result += weight * served;
    cumulativeWeight += weight;
    const next = new Array<number>(K).fill(0);
    let newlyServed = 0;
    for (let k = 0; k < K; k++) {
      const p = v[k]!;
      if (p === 0) continue;
      const down = (serviceRate + k * theta) / uniform;
      const gone = theta / uniform;
      if (k === 0) newlyServed += p * down;
      else next[k - 1]! += p * down;
      next[k]! += p * (1 - down - gone);
    }
    served += newlyServed;
    v = next;
    weight *= lt / (n + 1);
  }
  // The Poisson tail beyond the loop holds at most the weight not yet counted, times the final served mass.
  return result + (1 - cumulativeWeight) * served;
}

/** E[wait · 1{answered}] for arrivals with k ahead: the expected time to absorption in "served", stepwise. */
function answeredWaitMean(ahead: readonly number[], serviceRate: number, theta: number): number {
  // From k ahead: the next move comes after Exp(r_k + θ) with r_k = cμ + kθ; it is a step forward with
  // probability r_k/(r_k + θ). f(k) = E[W·1{served} | k] and s(k) = P(served | k) satisfy
  // s(k) = q_k·s(k−1), f(k) = q_k·(f(k−1) + s(k−1)/(r_k + θ)), with s(−1) = 1, f(−1) = 0.
  let s = 1;
  let f = 0;
  let total = 0;
  for (let k = 0; k < ahead.length; k++) {
    const r = serviceRate + k * theta;
    const q = r / (r + theta);
    f = q * (f + s / (r + theta));
    s = q * s;
    total += ahead[k]! * f;
  }
  return total;
}
