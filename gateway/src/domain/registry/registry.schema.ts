import { z } from 'zod';
import { normalizePlate } from '../plate/plate-normalize.ts';
import { Id } from '../site.ts';
import { Energy, VehicleClass } from '../tariff/tariff.schema.ts';

/** A plate as stored: normalised on the way in; an empty read is refused. */
export const PlateText = z
  .string()
  .transform(function normalise(raw) {
    return normalizePlate(raw).plate;
  })
  .pipe(z.string().min(1, 'plate is empty').max(16, 'plate is longer than 16 characters'));
export type PlateText = z.infer<typeof PlateText>;

/** Household ids may be the room label itself ("3栋2单元501"), as Space.household allows. */
export const HouseholdId = z.string().trim().min(1).max(64);
export type HouseholdId = z.infer<typeof HouseholdId>;

export const EpochMs = z.number().int().nonnegative();

export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24 h)');
export type LocalTime = z.infer<typeof LocalTime>;

/** A daily window in local time; `from` later than `to` runs across midnight (19:00–08:00 night pass). */
export const DailyWindow = z.object({ from: LocalTime, to: LocalTime }).refine(function notEmpty(w) {
  return w.from !== w.to;
}, 'from and to must differ');
export type DailyWindow = z.infer<typeof DailyWindow>;

export const Household = z.object({
  site: Id,
  id: HouseholdId,
  /** Building, unit and room as the property company writes it, e.g. "3栋2单元501". */
  room: z.string().trim().min(1).max(64),
  owner: z.string().trim().max(64).optional(),
  /** Space ids the household holds (产权或长租车位). */
  spaces: z.array(Id).default([]),
});
export type Household = z.infer<typeof Household>;

// One definition of vehicle class and energy, shared with the tariff that prices them.
export { Energy, VehicleClass } from '../tariff/tariff.schema.ts';

/** A resident vehicle. Several may share a household, and several a space (一位多车). */
export const Vehicle = z.object({
  site: Id,
  plate: PlateText,
  household: HouseholdId,
  vehicleClass: VehicleClass.default('small'),
  energy: Energy.default('fuel'),
  space: Id.optional(),
  note: z.string().max(200).optional(),
});
export type Vehicle = z.infer<typeof Vehicle>;

const validity = function validity(v: { validFrom: number; validTo: number }): boolean {
  return v.validFrom < v.validTo;
};

export const Pass = z
  .object({
    site: Id,
    id: Id,
    plate: PlateText,
    kind: z.enum(['monthly', 'annual']),
    validFrom: EpochMs,
    /** Exclusive. */
    validTo: EpochMs,
    /** Time-of-day pass (e.g. night pass); absent = all day. */
    window: DailyWindow.optional(),
    /** Zones the pass covers; absent = all zones. */
    zones: z.array(Id).optional(),
  })
  .refine(validity, { message: 'validFrom must be before validTo', path: ['validTo'] });
export type Pass = z.infer<typeof Pass>;

export const Visitor = z
  .object({
    site: Id,
    id: Id,
    plate: PlateText,
    host: HouseholdId,
    /** The window the visit was registered for; `validTo` exclusive. */
    validFrom: EpochMs,
    validTo: EpochMs,
    createdBy: z.string().trim().min(1).max(64),
    note: z.string().max(200).optional(),
  })
  .refine(validity, { message: 'validFrom must be before validTo', path: ['validTo'] });
export type Visitor = z.infer<typeof Visitor>;

export const StaffVehicle = z.object({
  site: Id,
  plate: PlateText,
  /** Staff member or department (物业、保洁、安保). */
  staff: z.string().trim().min(1).max(64),
  validTo: EpochMs.optional(),
});
export type StaffVehicle = z.infer<typeof StaffVehicle>;

export const EmergencyVehicle = z.object({
  site: Id,
  plate: PlateText,
  /** 消防、急救、公安… */
  agency: z.string().trim().min(1).max(64),
});
export type EmergencyVehicle = z.infer<typeof EmergencyVehicle>;

export const BlacklistEntry = z.object({
  site: Id,
  plate: PlateText,
  reason: z.string().trim().min(1).max(200),
  /** Exclusive; absent = until removed. */
  until: EpochMs.optional(),
  addedBy: z.string().trim().max(64).optional(),
});
export type BlacklistEntry = z.infer<typeof BlacklistEntry>;

/** Everything the registry holds for one plate at one site: the input of `resolveCredential`. */
export const PlateEntries = z.object({
  vehicle: Vehicle.nullable().default(null),
  household: Household.nullable().default(null),
  passes: z.array(Pass).default([]),
  visitors: z.array(Visitor).default([]),
  staff: StaffVehicle.nullable().default(null),
  emergency: EmergencyVehicle.nullable().default(null),
  blacklist: BlacklistEntry.nullable().default(null),
});
export type PlateEntries = z.infer<typeof PlateEntries>;
