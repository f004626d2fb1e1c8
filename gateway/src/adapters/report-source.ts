import type { DeviceDispatch } from '../app/device-dispatch.ts';
import type { ReportInput, SessionRecord } from '../domain/indicators/indicator-input.ts';
import type { Site } from '../domain/site.ts';
import type { ReportDataSource } from '../reports/report-service.ts';
import type { Ledger } from './sqlite/ledger.ts';
import type { RegistryStore } from './sqlite/registry-store.ts';
import type { HistoryReader } from './timeseries/index.ts';

/** Occupancy history is read in steps of this size; peak uses 15-minute means of them. */
const STEP_MS = 60_000;

const ALLOW = new Set(['open']);
const DENY = new Set(['deny']);

/** Builds a report's input from the ledger (sessions, decisions, exceptions) and the occupancy history. */
export class LedgerReportSource implements ReportDataSource {
  constructor(
    private readonly deps: {
      sites: Site[];
      ledger: Ledger;
      registry: RegistryStore;
      history: HistoryReader;
      devices: DeviceDispatch;
    },
  ) {}

  async loadInput(siteId: string, from: number, to: number): Promise<ReportInput> {
    const site = this.deps.sites.find((s) => s.id === siteId);
    if (!site) throw Object.assign(new Error(`unknown site ${siteId}`), { code: 'ERR_UNKNOWN_SITE' });
    const { ledger } = this.deps;
    const history = await this.deps.history.occupancy({
      site: siteId,
      from: Math.max(0, from - STEP_MS),
      to,
      intervalMs: STEP_MS,
    });
    const occupancy = site.zones.map((zone) => {
      const series = history.ok ? history.history.series.find((s) => s.zone === zone.id) : undefined;
      return {
        zone: zone.id,
        steps: (series?.points ?? []).map((p) => ({ at: p.ts, present: Math.round(p.occupied) })),
        // Recorded every minute from the space sensors or the gate count: the definitions' hold rule of that source
        // says how long a silence is still a flat line (#12.1); both observe around the clock.
        source: zone.spaces.some((space) => space.sensor !== undefined) ? ('sensor' as const) : ('count' as const),
      };
    });
    const overstays = new Set(
      ledger
        .exceptionsInRange(siteId, from, to)
        .filter((e) => e.kind === 'visitorOverstay' && e.sessionId)
        .map((e) => e.sessionId as string),
    );
    const sessions: SessionRecord[] = ledger.sessionsOverlapping(siteId, from, to).map((s) => ({
      id: s.id,
      entryAt: s.entryAt ?? s.exitAt ?? from,
      exitAt: s.status === 'closed' ? (s.exitAt ?? s.entryAt) : null,
      userClass: s.credentialKind,
      vehicleClass: s.vehicleClass,
      feeFen: Math.max(0, s.feeFen ?? 0),
      paidFen: Math.max(0, s.paidFen),
      flags: {
        fuzzy: s.fuzzy,
        noEntryRecord: s.noEntryRecord,
        manualOpen: s.manualOpen,
        visitorOverstay: overstays.has(s.id),
      },
    }));
    const decisions = ledger
      .decisionsInRange(siteId, from, to)
      // A hold is followed by the decision that settles it; a repeat read is the same passage seen again.
      .filter((d) => d.reason !== 'EXIT_FEE_DUE' && d.action !== 'repeat')
      .map((d) => ({
        at: d.at,
        gate: d.gate,
        lane: d.lane as 'entry' | 'exit',
        action: ALLOW.has(d.action) ? ('allow' as const) : DENY.has(d.action) ? ('deny' as const) : ('refer' as const),
        reason: d.reason,
        ...(d.credentialKind && d.credentialKind !== 'blacklisted'
          ? { userClass: d.credentialKind as SessionRecord['userClass'] }
          : {}),
      }));
    const registeredVehicles = this.deps.registry.vehicles.list({ site: siteId, limit: 1, offset: 0 }).total;
    return {
      site,
      from,
      to,
      capacityVersions: ledger
        .capacityVersions(siteId)
        .map((v) => ({ zone: v.zone, from: v.from, capacity: v.capacity, ...(v.note ? { note: v.note } : {}) })),
      occupancy,
      sessions,
      decisions,
      sensorDowntime: [],
      disagreement: [],
      households: site.households,
      registeredVehicles,
      facilities: {},
    };
  }
}
