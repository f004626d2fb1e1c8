import type { Site } from '../site.ts';
import type { FacilityStandard } from './definitions.ts';
import type { CountDisagreement, Facilities, SensorDowntime } from './indicator-input.ts';
import type { ComplianceItem, DataQuality } from './indicator-result.ts';

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** Facility standard (停车设施标准) item by item, from the site configuration. */
export function facilityCompliance(
  site: Site,
  households: number,
  standard: FacilityStandard,
  facilities: Facilities,
): ComplianceItem[] {
  const capacity = site.zones.reduce((sum, z) => sum + z.capacity, 0);
  const spaces = site.zones.flatMap((z) => z.spaces);
  const ev = spaces.filter((s) => s.ev).length;
  const accessible = spaces.filter((s) => s.accessible).length;
  const sensors = spaces.filter((s) => s.sensor).length;
  const installed = facilities.installedDevices ? new Set(facilities.installedDevices) : null;
  const entryLanes = site.gates.flatMap((g) => g.lanes.filter((l) => l.lane === 'entry').map((l) => ({ gate: g, l })));
  const missing = entryLanes.filter(({ l }) => installed && !(installed.has(l.camera) && installed.has(l.display)));
  const perHousehold = households > 0 ? capacity / households : Number.POSITIVE_INFINITY;
  const evShare = capacity > 0 ? ev / capacity : 0;
  const accessibleShare = capacity > 0 ? accessible / capacity : 0;
  const accessibleRequired = Math.max(1, Math.ceil(standard.minAccessibleShare * capacity));
  const coverage = capacity > 0 ? sensors / capacity : 0;
  const equipped = entryLanes.length > 0 ? (entryLanes.length - missing.length) / entryLanes.length : 0;
  return [
    {
      key: 'spacesPerHousehold',
      zh: '户均车位',
      en: 'Spaces per household',
      pass: perHousehold >= standard.minSpacesPerHousehold,
      figure: Number.isFinite(perHousehold) ? perHousehold : capacity,
      required: standard.minSpacesPerHousehold,
      detail: `${capacity} / ${households}`,
    },
    {
      key: 'evShare',
      zh: '充电车位比例',
      en: 'Share of EV-charging spaces',
      pass: evShare >= standard.minEvShare,
      figure: evShare,
      required: standard.minEvShare,
      detail: `${ev} / ${capacity} (${pct(evShare)})`,
    },
    {
      key: 'accessibleSpaces',
      zh: '无障碍车位',
      en: 'Accessible spaces',
      pass: accessible >= accessibleRequired,
      figure: accessible,
      required: accessibleRequired,
      detail: `${accessible} / ${capacity} (${pct(accessibleShare)})`,
    },
    {
      key: 'entranceEquipment',
      zh: '入口车牌识别与显示屏',
      en: 'Every entrance with plate camera and display',
      pass: !standard.requireEntranceCameraAndDisplay || (entryLanes.length > 0 && missing.length === 0),
      figure: equipped,
      required: standard.requireEntranceCameraAndDisplay ? 1 : 0,
      detail: missing.length > 0 ? missing.map(({ gate }) => gate.id).join(', ') : `${entryLanes.length}`,
    },
    {
      key: 'sensorCoverage',
      zh: '车位传感器覆盖率',
      en: 'Sensor coverage',
      pass: coverage >= standard.minSensorCoverage,
      figure: coverage,
      required: standard.minSensorCoverage,
      detail: `${sensors} / ${capacity}`,
    },
  ];
}

/** Completeness below which a report warns that its data is thin (the gaps are listed either way). */
export const LOW_COVERAGE = 0.98;

export function dataQuality(
  site: Site,
  from: number,
  to: number,
  completeness: number,
  downtime: SensorDowntime[],
  disagreement: CountDisagreement[],
  tolerance: number,
): DataQuality {
  const sensors = new Set(site.zones.flatMap((z) => z.spaces.flatMap((s) => (s.sensor ? [s.sensor] : []))));
  let down = 0;
  const perSensor = new Map<string, { from: number; to: number }[]>();
  for (const d of downtime) {
    if (!sensors.has(d.sensor)) continue;
    const start = Math.max(d.from, from);
    const end = Math.min(d.to, to);
    if (end <= start) continue;
    const list = perSensor.get(d.sensor) ?? [];
    list.push({ from: start, to: end });
    perSensor.set(d.sensor, list);
  }
  for (const list of perSensor.values()) {
    list.sort((x, y) => x.from - y.from);
    let reach = Number.NEGATIVE_INFINITY;
    for (const iv of list) {
      const start = Math.max(iv.from, reach);
      if (iv.to > start) down += iv.to - start;
      reach = Math.max(reach, iv.to);
    }
  }
  const samples = disagreement.filter((s) => s.at >= from && s.at < to);
  const diffs = samples.map((s) => Math.abs(s.gateCount - s.sensorCount));
  const flags: { zh: string; en: string }[] = [];
  // A few minutes before a feed's first reading of the day are no reason to doubt the report: warn below 98%.
  if (completeness < LOW_COVERAGE) {
    flags.push({
      zh: `占用数据仅覆盖应有观测时段的${pct(completeness)}，缺失时段未作插补`,
      en: `occupancy data covers only ${pct(completeness)} of the expected observation time; gaps are not filled in`,
    });
  }
  const availability = sensors.size > 0 ? 1 - down / (sensors.size * (to - from)) : null;
  if (availability !== null && availability < 0.95) {
    flags.push({ zh: `传感器可用率${pct(availability)}`, en: `sensor availability ${pct(availability)}` });
  }
  return {
    completeness,
    sensors: sensors.size,
    sensorAvailability: availability,
    disagreementSamples: samples.length,
    meanDisagreement: diffs.length > 0 ? diffs.reduce((a, b) => a + b, 0) / diffs.length : null,
    maxDisagreement: diffs.length > 0 ? diffs.reduce((a, b) => Math.max(a, b), 0) : null,
    disagreementShare: diffs.length > 0 ? diffs.filter((x) => x > tolerance).length / diffs.length : null,
    flags,
  };
}
