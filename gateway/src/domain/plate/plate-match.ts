import { z } from 'zod';
import { normalizePlate } from './plate-normalize.ts';

/** Characters plate cameras mix up; a substitution inside one group is cheaper than any other edit. */
export const OCR_CONFUSIONS: readonly string[] = ['0ODQ', '8B', '2Z', '5S', '1I'];
export const OCR_SUBSTITUTION_COST = 0.5;
export const EDIT_COST = 1;

const confusable = new Set<string>();
for (const group of OCR_CONFUSIONS) {
  for (const a of group) for (const b of group) if (a !== b) confusable.add(a + b);
}

export function substitutionCost(read: string, candidate: string): number {
  return confusable.has(read + candidate) ? OCR_SUBSTITUTION_COST : EDIT_COST;
}

/** How the read differs from the matched plate, seen from the read: `missing` = the read dropped a character. */
export const FuzzyEdit = z.object({
  edit: z.enum(['ocr', 'substitution', 'missing', 'extra']),
  /** Index in the read (for `missing`: where the candidate's character would go). */
  position: z.number().int().min(0),
  /** The character in the read ('' for `missing`). */
  read: z.string(),
  /** The character in the candidate ('' for `extra`). */
  candidate: z.string(),
});
export type FuzzyEdit = z.infer<typeof FuzzyEdit>;

export const PlateMatch = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exact'), plate: z.string() }),
  z.object({
    kind: z.literal('fuzzy'),
    plate: z.string(),
    /** Weighted edit distance: 0.5 for an OCR confusion, 1 for any other single edit. */
    distance: z.number().positive(),
    via: FuzzyEdit,
  }),
  z.object({ kind: z.literal('ambiguous'), candidates: z.array(z.string()).min(2), distance: z.number().positive() }),
  z.object({ kind: z.literal('none') }),
]);
export type PlateMatch = z.infer<typeof PlateMatch>;

interface Hit {
  plate: string;
  cost: number;
  via: FuzzyEdit;
}

/** One edit (substitution, missing or extra character) from `read` to `candidate`, or null. O(L). */
export function singleEdit(read: string, candidate: string): Hit | null {
  const lr = read.length;
  const lc = candidate.length;
  if (lr === lc) {
    let at = -1;
    for (let i = 0; i < lr; i++) {
      if (read[i] !== candidate[i]) {
        if (at >= 0) return null;
        at = i;
      }
    }
    if (at < 0) return null;
    return substitutionHit(read, candidate, at);
  }
  if (Math.abs(lr - lc) !== 1) return null;
  const longer = lr > lc ? read : candidate;
  const shorter = lr > lc ? candidate : read;
  let i = 0;
  while (i < shorter.length && longer[i] === shorter[i]) i++;
  if (longer.slice(i + 1) !== shorter.slice(i)) return null;
  return lr > lc ? extraHit(read, candidate, i) : missingHit(candidate, i);
}

function substitutionHit(read: string, plate: string, at: number): Hit {
  const r = read[at] as string;
  const c = plate[at] as string;
  const cost = substitutionCost(r, c);
  return { plate, cost, via: { edit: cost < EDIT_COST ? 'ocr' : 'substitution', position: at, read: r, candidate: c } };
}

function extraHit(read: string, plate: string, at: number): Hit {
  return { plate, cost: EDIT_COST, via: { edit: 'extra', position: at, read: read[at] as string, candidate: '' } };
}

function missingHit(plate: string, at: number): Hit {
  return { plate, cost: EDIT_COST, via: { edit: 'missing', position: at, read: '', candidate: plate[at] as string } };
}

/**
 * Deletion-neighbourhood index (symmetric delete, radius 1) over normalised plates.
 * Build: N plates of length L give N·L keys, O(N·L²) characters. Query: L+1 map look-ups plus the hits found,
 * O(L²) for a read of length L, independent of N. Plates are upper-case BMP text, so code units are characters.
 */
export class PlateIndex {
  private readonly plates = new Set<string>();
  private readonly deletions = new Map<string, Array<{ plate: string; at: number }>>();

  constructor(plates: Iterable<string>) {
    for (const plate of plates) this.add(plate);
  }

  get size(): number {
    return this.plates.size;
  }

  add(plate: string): void {
    if (plate === '' || this.plates.has(plate)) return;
    this.plates.add(plate);
    for (let at = 0; at < plate.length; at++) {
      const key = plate.slice(0, at) + plate.slice(at + 1);
      const list = this.deletions.get(key);
      if (list) list.push({ plate, at });
      else this.deletions.set(key, [{ plate, at }]);
    }
  }

  has(plate: string): boolean {
    return this.plates.has(plate);
  }

  /** Every plate one edit from `read`, with its cheapest edit. */
  neighbours(read: string): Hit[] {
    const best = new Map<string, Hit>();
    const keep = function keep(hit: Hit): void {
      const seen = best.get(hit.plate);
      if (!seen || hit.cost < seen.cost) best.set(hit.plate, hit);
    };
    for (const { plate, at } of this.deletions.get(read) ?? []) keep(missingHit(plate, at));
    for (let at = 0; at < read.length; at++) {
      const key = read.slice(0, at) + read.slice(at + 1);
      if (this.plates.has(key)) keep(extraHit(read, key, at));
      for (const entry of this.deletions.get(key) ?? []) {
        if (entry.at === at && entry.plate !== read) keep(substitutionHit(read, entry.plate, at));
      }
    }
    return [...best.values()];
  }
}

function linearNeighbours(read: string, candidates: Iterable<string>): Hit[] {
  const best = new Map<string, Hit>();
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - read.length) > 1) continue;
    const hit = singleEdit(read, candidate);
    if (hit && !best.has(candidate)) best.set(candidate, hit);
  }
  return [...best.values()];
}

/**
 * Exact match first, else the single cheapest candidate within one edit; ties are ambiguous.
 * Candidates must be normalised plates. With a plain list the scan is O(N·L); keep a `PlateIndex` for O(L²).
 */
export function matchPlate(read: string, candidates: Iterable<string> | PlateIndex): PlateMatch {
  const { plate } = normalizePlate(read);
  if (plate === '') return { kind: 'none' };
  let hits: Hit[];
  if (candidates instanceof PlateIndex) {
    if (candidates.has(plate)) return { kind: 'exact', plate };
    hits = candidates.neighbours(plate);
  } else {
    const list = [...candidates];
    if (list.includes(plate)) return { kind: 'exact', plate };
    hits = linearNeighbours(plate, list);
  }
  if (hits.length === 0) return { kind: 'none' };
  const least = Math.min(...hits.map(costOf));
  const top = hits.filter(function cheapest(hit) {
    return hit.cost === least;
  });
  const [first] = top;
  if (top.length === 1 && first) return { kind: 'fuzzy', plate: first.plate, distance: first.cost, via: first.via };
  return { kind: 'ambiguous', candidates: top.map(plateOf).sort(), distance: least };
}

function costOf(hit: Hit): number {
  return hit.cost;
}

function plateOf(hit: Hit): string {
  return hit.plate;
}
