import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Config, ConfigError } from '../config/config.ts';
import { classChangesOf } from '../domain/gate/gate-rules.ts';
import { type PlateEntries, resolveCredential } from '../domain/registry/index.ts';
import type { Payment, Session } from '../domain/session/session.ts';
import type { Site } from '../domain/site.ts';
import {
  type CompiledTariff,
  compileTariffs,
  type QuoteItem,
  quote,
  renderPublicText,
  type Tariff,
  validateTariff,
} from '../domain/tariff/index.ts';
import { localClockTime } from './local-time.ts';

/** The registry as the fees see it: what a plate holds, to find the class a stay changes to when its pass ends. */
export interface PassRegistry {
  entriesFor(site: string, plate: string): PlateEntries;
}

export interface FeeQuote {
  totalFen: number;
  paidFen: number;
  dueFen: number;
  paidExitUntil: number | null;
  items: QuoteItem[];
  tariffIds: string[];
}

/** Loads every site's tariff versions (validated against the guidance price) and quotes sessions with them. */
export class FeeService {
  private readonly compiled = new Map<string, CompiledTariff[]>();
  private readonly docs = new Map<string, Tariff[]>();

  /**
   * `passes` and `timeZones` (site → IANA zone) tell the class a session changes to when the pass it entered on ends
   * (#26.3); without them a session keeps the class it entered with.
   */
  constructor(
    tariffsBySite: Map<string, Tariff[]>,
    private readonly passes: PassRegistry | null = null,
    private readonly timeZones: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const [site, list] of tariffsBySite) {
      this.docs.set(site, list);
      this.compiled.set(site, compileTariffs(list));
    }
  }

  static load(config: Config, baseDir: string, passes: PassRegistry | null): FeeService {
    const bySite = new Map<string, Tariff[]>();
    const ceiling = config.guidancePrice;
    for (const site of config.sites) {
      bySite.set(
        site.id,
        site.tariffs.map((file) => readTariff(resolve(baseDir, file), ceiling)),
      );
    }
    // A site that charges exits with no entry record needs every tariff version to say how much (#26.4): else the
    // gate would have nothing to charge and a car would leave free.
    for (const site of config.sites) {
      if (site.policies.noEntryRecord !== 'fixedFee') continue;
      for (const t of bySite.get(site.id) ?? []) {
        // A tariff where every class is exempt charges such an exit nothing either way.
        const charges = Object.values(t.rules).some((rule) => rule.type !== 'exempt');
        if (charges && !t.noEntryRecord) {
          throw new ConfigError(
            `site ${site.id}: policies.noEntryRecord is fixedFee but tariff ${t.id}@${t.version} sets no noEntryRecord: set noEntryRecord.feeFen, byVehicleFen or dailyMaximum in the tariff, or policies.noEntryRecord: refer`,
          );
        }
      }
    }
    return new FeeService(bySite, passes, new Map(config.sites.map((s) => [s.id, s.timeZone])));
  }

  tariffs(site: string): Tariff[] {
    return this.docs.get(site) ?? [];
  }

  publicText(
    site: string,
  ): { id: string; version: string | number; effectiveFrom: string; textZh: string; textEn: string }[] {
    return this.tariffs(site).map((t) => ({
      id: t.id,
      version: t.version,
      effectiveFrom: t.effectiveFrom,
      textZh: renderPublicText(t, 'zh-CN'),
      textEn: renderPublicText(t, 'en'),
    }));
  }

  private versions(site: string): CompiledTariff[] {
    const list = this.compiled.get(site);
    if (!list) throw Object.assign(new Error(`no tariff for site ${site}`), { code: 'ERR_NO_TARIFF' });
    return list;
  }

  /** The fee for a session leaving at `at`, minus what has been paid. */
  quoteSession(session: Session, payments: Payment[], at: number): FeeQuote {
    const result = quote(
      {
        entryAt: session.entryAt,
        exitAt: Math.max(at, session.entryAt ?? at),
        vehicleClass: session.vehicleClass,
        energy: session.energy,
        userClass: session.userClass,
        payments: payments.map((p) => ({ at: p.at, amountFen: p.amountFen })),
        coupons: [],
        classChanges: this.classChanges(session, at),
      },
      this.versions(session.site),
    );
    if (!result.ok)
      throw Object.assign(new Error(`cannot quote session ${session.id}: ${result.message}`), { code: 'ERR_QUOTE' });
    return {
      totalFen: result.totalFen,
      paidFen: result.paidFen,
      dueFen: result.dueFen,
      paidExitUntil: result.paidExit?.until ?? null,
      items: result.items,
      tariffIds: result.tariffIds,
    };
  }

  /**
   * Where the session's class changes before `at` (#26.3): its pass ended at `classUntil`, and the registry says what
   * the car is from then (a renewal continues the pass).
   */
  private classChanges(session: Session, at: number): { at: number; userClass: string }[] {
    const passes = this.passes;
    if (passes === null || session.classUntil === null || session.classUntil >= at) return [];
    const zone = this.timeZones.get(session.site) ?? 'Asia/Shanghai';
    const entries = passes.entriesFor(session.site, session.plate);
    return classChangesOf({ userClass: session.userClass, until: session.classUntil }, at, (t) =>
      resolveCredential(session.plate, t, localClockTime(t, zone), entries),
    );
  }

  /**
   * The tariff's charge for an exit with no entry record, for the vehicle and the user class its credential gives at
   * the exit (a pass holder is quoted as one, #26.4); null when the tariff cannot say (no amount for it, no rule for
   * the class): the gate refers to staff, it never lets the car out free for want of an amount.
   */
  noEntryFee(
    site: string,
    at: number,
    vehicle: { vehicleClass: Session['vehicleClass']; energy: Session['energy']; userClass: string },
  ): FeeQuote | null {
    const result = quote(
      { entryAt: null, exitAt: at, ...vehicle, payments: [], coupons: [], classChanges: [] },
      this.versions(site),
    );
    if (!result.ok) return null;
    return {
      totalFen: result.totalFen,
      paidFen: 0,
      dueFen: result.totalFen,
      paidExitUntil: null,
      items: result.items,
      tariffIds: result.tariffIds,
    };
  }
}

export function readTariff(file: string, ceiling: Config['guidancePrice']): Tariff {
  let doc: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`cannot read tariff ${file}: ${(err as Error).message}`);
  }
  const checked = validateTariff(doc, ceiling ? { ceiling } : {});
  if (!checked.ok) throw new ConfigError(`tariff ${file} is refused:\n  ${checked.message.split('\n').join('\n  ')}`);
  return checked.tariff;
}

export type { Site };
