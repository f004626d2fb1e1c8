/** A seeded pseudo-random source (mulberry32), so a simulated day can be replayed exactly. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Normal deviate (Box–Muller). */
  normal(mean: number, sd: number): number;
  /** Exponential deviate with the given mean. */
  exponential(mean: number): number;
  /** An independent stream derived from this one and a label. */
  fork(label: string): Random;
  readonly seed: number;
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function createRandom(seed: number | string): Random {
  const initial = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
  let state = initial;
  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  const random: Random = {
    seed: initial,
    next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(p) {
      return next() < p;
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    normal(mean, sd) {
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    exponential(mean) {
      return -mean * Math.log(1 - next());
    },
    fork(label) {
      return createRandom((hashString(label) ^ Math.imul(initial, 2654435761)) >>> 0);
    },
  };
  return random;
}
