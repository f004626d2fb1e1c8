/** The tariff engine under the pricing standard (收费标准): the only module others import. */
export { type PublicLocale, renderPublicText } from './public-text.ts';
export {
  Band,
  Caps,
  type ChargeRule,
  ClassChange,
  Coupon,
  DailyCap,
  DayType,
  Energy,
  FreePeriod,
  GuidanceCeiling,
  Payment,
  QuoteFailure,
  QuoteItem,
  QuoteItemKind,
  QuoteResult,
  Rule,
  Stay,
  Tariff,
  Tier,
  VEHICLE_CLASSES,
  VehicleClass,
} from './tariff.schema.ts';
export { type CompiledTariff, compileTariff, compileTariffs } from './tariff-compile.ts';
export { parseTariffText, type TariffLoad } from './tariff-load.ts';
export { quote, versionAt } from './tariff-quote.ts';
export { formatPath, type TariffProblem, type TariffValidation, validateTariff } from './tariff-validate.ts';
export { TariffError } from './time-zone.ts';

/** The example tariffs shipped in `tariffs/` at the repository root; the demo community uses the first. */
export const EXAMPLE_TARIFF_FILES = [
  'tariffs/residential-guidance.yaml',
  'tariffs/banded-visitor.yaml',
  'tariffs/day-night.yaml',
] as const;
