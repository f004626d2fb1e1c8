import type { PlateColour } from '../../gateway/src/protocol/index.ts';
import type { Random } from './random.ts';

/** Characters that plate OCR confuses with each other (DESIGN §4). */
export const OCR_CONFUSIONS: readonly (readonly string[])[] = [
  ['0', 'D', 'Q'],
  ['8', 'B'],
  ['2', 'Z'],
  ['5', 'S'],
  ['1', 'I'],
];

const CONFUSABLE = new Map<string, string[]>();
for (const group of OCR_CONFUSIONS) {
  for (const ch of group)
    CONFUSABLE.set(
      ch,
      group.filter((other) => other !== ch),
    );
}

// GA 36-2018: plates never use I or O.
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '0123456789';

export type PlateKind = 'standard' | 'newEnergy' | 'large';

export interface SimPlate {
  plate: string;
  colour: PlateColour;
  kind: PlateKind;
}

/** A plausible plate of a city (e.g. prefix `京A`, `沪B`): 5 characters, or 6 for new-energy (D/F first). */
export function generatePlate(random: Random, prefix: string, kind: PlateKind = 'standard'): SimPlate {
  if (kind === 'newEnergy') {
    const body = random.pick(['D', 'F']) + random.pick([...LETTERS, ...DIGITS]) + digits(random, 4);
    return { plate: prefix + body, colour: 'green', kind };
  }
  let body = '';
  // Mostly digits with at most two letters, as issued plates look.
  const letterSlots = random.chance(0.4) ? 1 + random.int(0, 1) : 0;
  for (let i = 0; i < 5; i++) {
    body += i < letterSlots ? random.pick([...LETTERS]) : random.pick([...DIGITS]);
  }
  return { plate: prefix + body, colour: kind === 'large' ? 'yellow' : 'blue', kind };
}

function digits(random: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += random.pick([...DIGITS]);
  return out;
}

/** Positions of a plate where OCR can confuse the character (never the province character). */
export function confusablePositions(plate: string): number[] {
  const chars = [...plate];
  const out: number[] = [];
  for (let i = 1; i < chars.length; i++) if (CONFUSABLE.has(chars[i]!)) out.push(i);
  return out;
}

/** The plate with one character swapped for an OCR confusion; the same plate when none is possible. */
export function misreadPlate(random: Random, plate: string): string {
  const positions = confusablePositions(plate);
  if (positions.length === 0) return plate;
  const chars = [...plate];
  const at = random.pick(positions);
  chars[at] = random.pick(CONFUSABLE.get(chars[at]!)!);
  return chars.join('');
}

/** Are `a` and `b` the same plate up to OCR confusions at one or more positions? */
export function isConfusionOf(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (x.length !== y.length || a === b) return false;
  return x.every((ch, i) => ch === y[i] || (CONFUSABLE.get(ch)?.includes(y[i]!) ?? false));
}
