import { z } from 'zod';

export const PlateFormat = z.enum(['standard', 'newEnergy', 'special', 'unknown', 'none']);
export type PlateFormat = z.infer<typeof PlateFormat>;

export const NormalizedPlate = z.object({
  /** Upper case, half-width, no separators; '' when nothing was read. */
  plate: z.string(),
  format: PlateFormat,
  /** Accepted but not a known Chinese plate format: staff should look at it. */
  flagged: z.boolean(),
});
export type NormalizedPlate = z.infer<typeof NormalizedPlate>;

/** The 31 province-level abbreviations of mainland plates (GA 36-2018 appendix). */
export const PROVINCES = '京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新';

// Plates never use I or O (GA 36-2018 §5.1), so the letter classes below leave them out: a read with I or O
// is an OCR slip for 1 or 0 and ends up `unknown`, where fuzzy matching can still find the registered plate.
const L = 'A-HJ-NP-Z';
const P = `[${PROVINCES}]`;
const STANDARD = new RegExp(`^${P}[${L}][${L}0-9]{5}$`);
// Small new-energy: D (battery) or F (other) then a letter or digit then 4 digits; large: 5 digits then D/F.
const NEW_ENERGY = new RegExp(`^${P}[${L}](?:[DF][${L}0-9]\\d{4}|\\d{5}[DF])$`);
const SPECIAL = [
  new RegExp(`^${P}[${L}][${L}0-9]{4}[警学挂领港澳]$`),
  /^使\d{6}$/,
  /^\d{6}使$/,
  // 武警 (armed police) plates: WJ, optional province, 4–5 digits and letters.
  new RegExp(`^WJ${P}?[${L}0-9]{4,5}$`),
  // 军牌 (military): two letters, the first a service code, and 5 digits.
  new RegExp(`^[VKHBSLJNGCEZ][${L}]\\d{5}$`),
];

/** What cameras send when they saw a vehicle but no plate. */
const NO_PLATE_WORDS = new Set(['无牌', '无牌车', '无', '无车牌', 'NOPLATE', 'NONE', '_无_']);

const SEPARATORS = /[\s·•.\-_‧・]/gu;

function toHalfWidth(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCodePoint(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

export function formatOf(plate: string): PlateFormat {
  if (plate === '') return 'none';
  if (NEW_ENERGY.test(plate)) return 'newEnergy';
  if (STANDARD.test(plate)) return 'standard';
  if (
    SPECIAL.some(function matches(re) {
      return re.test(plate);
    })
  )
    return 'special';
  return 'unknown';
}

export function normalizePlate(raw: string | null | undefined): NormalizedPlate {
  const cleaned = toHalfWidth(raw ?? '')
    .toUpperCase()
    .replace(SEPARATORS, '');
  if (NO_PLATE_WORDS.has(cleaned)) return { plate: '', format: 'none', flagged: false };
  const format = formatOf(cleaned);
  return { plate: cleaned, format, flagged: format === 'unknown' };
}
