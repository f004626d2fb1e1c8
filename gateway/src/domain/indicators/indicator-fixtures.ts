import { Site } from '../site.ts';
import type { ReportInput } from './indicator-input.ts';

/** A small valid site for tests, benchmarks and demos: zones of the given capacities, one gate. */
export function fixtureSite(capacities: number[], overrides: Partial<Site> = {}): Site {
  return Site.parse({
    id: 'demo',
    name: '示范小区',
    households: 100,
    zones: capacities.map((capacity, i) => ({ id: `z${i + 1}`, name: `${i + 1}区`, capacity })),
    gates: [
      {
        id: 'g1',
        name: '东门',
        lanes: [
          { lane: 'entry', camera: 'cam-in', barrier: 'bar-in', display: 'led-in' },
          { lane: 'exit', camera: 'cam-out', barrier: 'bar-out', display: 'led-out' },
        ],
      },
    ],
    tariffs: ['tariff.yaml'],
    ...overrides,
  });
}

export function emptyInput(site: Site, from: number, to: number): ReportInput {
  return {
    site,
    from,
    to,
    capacityVersions: [],
    occupancy: [],
    sessions: [],
    decisions: [],
    sensorDowntime: [],
    disagreement: [],
    registeredVehicles: 0,
    facilities: {},
  };
}
