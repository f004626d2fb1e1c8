import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchPlate, normalizePlate, OCR_CONFUSIONS, PlateIndex, PROVINCES, singleEdit } from './index.ts';

describe('normalizePlate', () => {
  it.each([
    ['京a·12345', '京A12345', 'standard', false],
    ['京A 12345', '京A12345', 'standard', false],
    ['京Ａ１２３４５', '京A12345', 'standard', false],
    ['  沪c-d5x88 ', '沪CD5X88', 'standard', false],
    ['苏E.1A2B3', '苏E1A2B3', 'standard', false],
    ['浙A•88888', '浙A88888', 'standard', false],
    ['粤B D12345', '粤BD12345', 'newEnergy', false],
    ['粤BFA1234', '粤BFA1234', 'newEnergy', false],
    ['粤BF1A234', '粤BF1A234', 'unknown', true],
    ['粤B12345D', '粤B12345D', 'newEnergy', false],
    ['沪A1234学', '沪A1234学', 'special', false],
    ['京A1234警', '京A1234警', 'special', false],
    ['苏A1234挂', '苏A1234挂', 'special', false],
    ['粤Z1234港', '粤Z1234港', 'special', false],
    ['粤Z1234澳', '粤Z1234澳', 'special', false],
    ['沪A1234领', '沪A1234领', 'special', false],
    ['224001使', '224001使', 'special', false],
    ['WJ京12345', 'WJ京12345', 'special', false],
    ['VA12345', 'VA12345', 'special', false],
    ['ABC', 'ABC', 'unknown', true],
    // I and O never appear on Chinese plates (GA 36-2018), so such reads are not standard.
    ['京AI2345', '京AI2345', 'unknown', true],
    ['京A1234O', '京A1234O', 'unknown', true],
    ['京A1234', '京A1234', 'unknown', true],
    ['粤BX12345', '粤BX12345', 'unknown', true],
    ['港A12345', '港A12345', 'unknown', true],
    ['', '', 'none', false],
    ['   ', '', 'none', false],
    ['　', '', 'none', false],
    ['无牌车', '', 'none', false],
  ])('%j → %s (%s)', (raw, plate, format, flagged) => {
    expect(normalizePlate(raw)).toEqual({ plate, format, flagged });
  });

  it('treats null and undefined as an empty read', () => {
    expect(normalizePlate(null).format).toBe('none');
    expect(normalizePlate(undefined).format).toBe('none');
  });
});

const registry = ['京AD1234', '京A88888', '沪B12345', '粤BD12345', '苏E5S123'];

describe('matchPlate', () => {
  for (const [label, make] of [
    ['list', (plates: string[]) => plates],
    ['index', (plates: string[]) => new PlateIndex(plates)],
  ] as const) {
    describe(`over a ${label}`, () => {
      it('prefers an exact match', () => {
        expect(matchPlate('京ad1234', make(registry))).toEqual({ kind: 'exact', plate: '京AD1234' });
      });

      it('finds 0 read for D as a cheap OCR confusion', () => {
        expect(matchPlate('京A01234', make(registry))).toEqual({
          kind: 'fuzzy',
          plate: '京AD1234',
          distance: 0.5,
          via: { edit: 'ocr', position: 2, read: '0', candidate: 'D' },
        });
      });

      it('finds O read for 0 (the letter O is never on a plate)', () => {
        const match = matchPlate('沪B1234O', make(['沪B12340']));
        expect(match).toMatchObject({ kind: 'fuzzy', plate: '沪B12340', distance: 0.5 });
      });

      it('prefers an OCR confusion over another substitution', () => {
        const match = matchPlate('京A8888B', make(['京A88888', '京A88887']));
        expect(match).toMatchObject({ kind: 'fuzzy', plate: '京A88888', distance: 0.5 });
      });

      it('reports two equally good OCR candidates as ambiguous', () => {
        const match = matchPlate('京A8B123', make(['京ABB123', '京A88123']));
        expect(match).toEqual({ kind: 'ambiguous', candidates: ['京A88123', '京ABB123'], distance: 0.5 });
      });

      it('accepts one plain substitution, a missing or an extra character', () => {
        expect(matchPlate('沪B12375', make(registry))).toMatchObject({
          kind: 'fuzzy',
          plate: '沪B12345',
          distance: 1,
          via: { edit: 'substitution', position: 5, read: '7', candidate: '4' },
        });
        expect(matchPlate('沪B1245', make(registry))).toMatchObject({
          plate: '沪B12345',
          via: { edit: 'missing', candidate: '3' },
        });
        expect(matchPlate('沪B123456', make(registry))).toMatchObject({
          plate: '沪B12345',
          via: { edit: 'extra', read: '6' },
        });
      });

      it('finds nothing two edits away', () => {
        expect(matchPlate('沪B12377', make(registry))).toEqual({ kind: 'none' });
        expect(matchPlate('京A0I234', make(registry))).toEqual({ kind: 'none' });
      });

      it('finds nothing for an empty read', () => {
        expect(matchPlate(' ', make(registry))).toEqual({ kind: 'none' });
      });
    });
  }

  it('singleEdit rejects a transposition (two edits)', () => {
    expect(singleEdit('京A21345', '京A12345')).toBeNull();
  });
});

const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const serialChar = fc.constantFrom(...`${letters}0123456789`);
const standardPlate = fc
  .tuple(
    fc.constantFrom(...PROVINCES),
    fc.constantFrom(...letters),
    fc.array(serialChar, { minLength: 5, maxLength: 5 }),
  )
  .map(function join([p, l, s]) {
    return p + l + s.join('');
  });

function confuse(plate: string, at: number, pick: number): string | null {
  const ch = plate[at] as string;
  const group = OCR_CONFUSIONS.find(function has(g) {
    return g.includes(ch);
  });
  if (!group) return null;
  const others = [...group].filter(function other(c) {
    return c !== ch;
  });
  return plate.slice(0, at) + others[pick % others.length] + plate.slice(at + 1);
}

describe('matchPlate property', () => {
  it('finds a registered plate read with one OCR confusion among unrelated plates', () => {
    fc.assert(
      fc.property(
        standardPlate,
        fc.array(standardPlate, { maxLength: 200 }),
        fc.nat(6),
        fc.nat(3),
        function oneConfusion(plate, others, at, pick) {
          const read = confuse(plate, at, pick);
          fc.pre(read !== null);
          const rest = others.filter(function far(o) {
            return o !== plate && o !== read && singleEdit(read as string, o) === null;
          });
          const index = new PlateIndex([plate, ...rest]);
          const expected = { kind: 'fuzzy', plate, distance: 0.5 };
          expect(matchPlate(read as string, index)).toMatchObject(expected);
          expect(matchPlate(read as string, [plate, ...rest])).toMatchObject(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the index and the linear scan agree', () => {
    fc.assert(
      fc.property(standardPlate, fc.array(standardPlate, { maxLength: 50 }), function agree(read, plates) {
        expect(matchPlate(read, new PlateIndex(plates))).toEqual(matchPlate(read, plates));
      }),
      { numRuns: 200 },
    );
  });
});
