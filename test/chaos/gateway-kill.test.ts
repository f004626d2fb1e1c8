import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../gateway/src/config/config.ts';
import { testConfigYaml } from '../support/community.ts';
import { makeDayScript, PER_MINUTE_TARIFF, seededRandom } from './support/day-script.ts';
import { runDay } from './support/run-day.ts';

const yaml = testConfigYaml({ tariff: PER_MINUTE_TARIFF, capacity: 500, reserve: 0 });

describe('gateway killed with SIGKILL during a busy day', () => {
  it('leaves the same ledger as an uninterrupted run: every session and fee, no payment or event applied twice', async () => {
    const config = parseConfigText(yaml, 'chaos.yaml');
    const script = makeDayScript({ config, baseDir: '.', cars: 40, seed: 8 });
    const random = seededRandom(88);
    // One kill in each fifth of the ~75 barrier commands of the day, at a random point within it.
    const kills = Array.from({ length: 5 }, (_, i) => 4 + i * 14 + Math.floor(random() * 10));

    const reference = await runDay({ yaml, script });
    const chaotic = await runDay({ yaml, script, killAfterCommands: kills });

    expect(chaotic.kills).toHaveLength(5);
    // The kills hit a gateway with work to do, not an idle one after the day.
    // (On a loaded machine the day can run ahead of a late kill, hence not all five.)
    expect(chaotic.kills.filter((k) => k.processedAtKill < script.events.length).length).toBeGreaterThanOrEqual(3);
    expect(reference.snapshot.processedEvents).toBe(script.events.length);
    expect(chaotic.snapshot.processedEvents).toBe(script.events.length);
    // On a difference, say what each run decided for the cars concerned, in the order it decided it.
    const differing = chaotic.snapshot.sessions
      .filter((s, i) => JSON.stringify(s) !== JSON.stringify(reference.snapshot.sessions[i]))
      .map((s) => s.plate);
    for (const plate of differing) {
      for (const [name, run] of [
        ['reference', reference],
        ['killed', chaotic],
      ] as const) {
        const log = run.snapshot.decisionLog.filter((line) => line.includes(plate));
        console.error(`[chaos] ${name} run, ${plate}:\n  ${log.join('\n  ')}`);
      }
      console.error(`[chaos] kills ${JSON.stringify(chaotic.kills)}`);
    }
    expect(chaotic.snapshot.sessions).toEqual(reference.snapshot.sessions);
    expect(chaotic.snapshot.payments).toEqual(reference.snapshot.payments);
    // A restart can deliver a car's payment after its exit read (the broker resends in-flight messages after queued
    // ones), so that exit is held and then opened by the payment: the decisions per event may differ, the outcome
    // may not. Every plate read still has exactly one decision.
    const plateReads = (run: typeof reference) =>
      Object.keys(run.snapshot.decisions)
        .filter((ref) => ref.startsWith('cam-'))
        .sort();
    expect(plateReads(chaotic)).toEqual(plateReads(reference));
    // Passages since the last periodic save are replayed from the ledger at start-up: the counts agree too.
    expect(chaotic.snapshot.savedGateCount).not.toBeNull();
    expect(chaotic.snapshot.savedGateCount).toBe(reference.snapshot.savedGateCount);
    for (const run of [reference, chaotic]) {
      expect(run.snapshot.repeatedDecisions).toEqual([]);
      expect(run.snapshot.paidMismatches).toEqual([]);
    }
    // The day is not trivial: fees were charged and paid, and cars were held until they paid.
    const closed = reference.snapshot.sessions.filter((s) => s.status === 'closed');
    expect(closed.length).toBeGreaterThan(25);
    expect(new Set(closed.map((s) => s.feeFen)).size).toBeGreaterThan(3);
    expect(Object.values(reference.snapshot.decisions).filter((d) => d.reason === 'EXIT_PAID').length).toBeGreaterThan(
      5,
    );
    expect(closed.every((s) => s.paidFen === s.feeFen)).toBe(true);
    console.info(
      `[chaos] ${script.events.length} events, kills ${JSON.stringify(chaotic.kills)}, ` +
        `displays ${reference.displays} / ${chaotic.displays}, resent commands ${chaotic.resentCommands}, ` +
        `gate count ${reference.snapshot.savedGateCount} / ${chaotic.snapshot.savedGateCount}, runs ${reference.runMs} ms / ${chaotic.runMs} ms`,
    );
  }, 240_000);
});
