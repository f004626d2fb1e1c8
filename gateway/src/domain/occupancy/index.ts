export {
  type ApplyResult,
  Correction,
  DeviceStatus,
  GatePassage,
  OccupancyOptions,
  type OccupancyOptionsInput,
  OccupancyState,
  OccupancyStatus,
  SensorFigures,
  SensorReading,
  SiteOccupancy,
  SpaceChange,
  SpaceState,
  SpaceView,
  StaffCount,
  ZoneOccupancy,
} from './occupancy.schema.ts';
export {
  type CloseResult,
  type ImportResult,
  OccupancyEngine,
  OccupancyError,
  type PassageResult,
  type StaffCountResult,
  type TickResult,
} from './occupancy-engine.ts';
export { apportion, statusOf } from './occupancy-figures.ts';
