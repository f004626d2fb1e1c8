export {
  EDIT_COST,
  FuzzyEdit,
  matchPlate,
  OCR_CONFUSIONS,
  OCR_SUBSTITUTION_COST,
  PlateIndex,
  PlateMatch,
  singleEdit,
  substitutionCost,
} from './plate-match.ts';
export { formatOf, NormalizedPlate, normalizePlate, PlateFormat, PROVINCES } from './plate-normalize.ts';
