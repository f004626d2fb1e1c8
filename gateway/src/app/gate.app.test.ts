import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppHarness, startAppHarness } from '../../../test/support/app-harness.ts';

/** Per-minute tariff: every started minute ¥1 for visitors, 15 minutes to leave after paying (test fixture). */
const TARIFF = resolve(import.meta.dirname, '../../../test/chaos/fixtures/per-minute.yaml');
const T0 = Date.parse('2026-03-02T08:00:00+08:00');
const SEC = 1000;
const MIN = 60 * SEC;

let h: AppHarness;
afterEach(() => h?.close());

function start(): AppHarness {
  h = startAppHarness({ tariff: TARIFF, start: T0 });
  return h;
}

const stay = (plate: string) => {
  const rows = h.ledger.openSessions('s1').filter((s) => s.plate === plate);
  return rows[0] ?? null;
};

describe('the gate application layer on a real SQLite ledger', () => {
  it('out-of-order money: a payment delivered before the exit read it followed ends the stay at the payment', async () => {
    start();
    await h.plate('entry', '苏E10001');
    const id = stay('苏E10001')!.id;
    h.clock.advance(5 * MIN + 10 * SEC);
    const readAt = h.clock.now();
    // Paid 3 s after the read (6 started minutes: ¥6), but the terminal's message arrives first.
    const paid = await h.pay('苏E10001', 600, { ts: readAt + 3 * SEC });
    expect(paid).toMatchObject({ ok: true, applied: true, held: false, sessionId: id });
    await h.plate('exit', '苏E10001', { ts: readAt });
    expect(h.ledger.getSession(id)).toMatchObject({
      status: 'closed',
      exitAt: readAt + 3 * SEC,
      feeFen: 600,
      paidFen: 600,
      closeReason: 'EXIT_PAID',
    });
    expect(h.publisher.commands().map((c) => c.reasonCode)).toEqual(['ENTRY_TEMPORARY', 'EXIT_PAID']);
  });

  it('out-of-order money at a held exit: paid before the read, delivered after it, settles at the read', async () => {
    start();
    await h.plate('entry', '苏E10002');
    const id = stay('苏E10002')!.id;
    h.clock.advance(4 * MIN + 30 * SEC);
    const paidAt = h.clock.now();
    h.clock.advance(20 * SEC);
    await h.plate('exit', '苏E10002'); // 4m50s: ¥5 due, held
    expect(h.ledger.heldExitOf('s1', id)).toMatchObject({ gate: 'g1', lane: 'exit' });
    await h.pay('苏E10002', 500, { ts: paidAt });
    expect(h.ledger.getSession(id)).toMatchObject({ status: 'closed', closeReason: 'EXIT_PAID_WINDOW', feeFen: 500 });
    expect(h.ledger.getSession(id)?.exitAt).toBe(paidAt + 20 * SEC);
    expect(h.ledger.heldExitOf('s1', id)).toBeNull();
  });

  it('a stale read is recorded late: no command, no display, no session, no passage, and the live event says so', async () => {
    start();
    await h.plate('entry', '苏E10003', { ts: h.clock.now() - 3 * MIN });
    expect(stay('苏E10003')).toBeNull();
    expect(h.publisher.commands()).toEqual([]);
    expect(h.publisher.displays()).toEqual([]);
    expect(h.passages).toEqual([]);
    const decision = h.events.find((e) => e.type === 'decision');
    expect(decision?.data).toMatchObject({ action: 'late', opened: false, plate: '苏E10003' });
  });

  it('a redelivered read is decided once and re-sends the same command id', async () => {
    start();
    await h.plate('entry', '苏E10004', { eventId: 'r-1' });
    await h.plate('entry', '苏E10004', { eventId: 'r-1' });
    const commands = h.publisher.commands();
    expect(commands).toHaveLength(2);
    expect(commands[1]?.commandId).toBe(commands[0]?.commandId);
    expect(h.ledger.openSessions('s1')).toHaveLength(1);
    expect(h.passages).toHaveLength(1);
    expect(h.events.filter((e) => e.type === 'decision')).toHaveLength(1);
  });

  it('a manual open at a held exit lets the held car out, closes its stay at its fee, and audits who and why', async () => {
    start();
    await h.plate('entry', '苏E10005');
    await h.plate('entry', '苏E10006');
    const first = stay('苏E10005')!.id;
    const second = stay('苏E10006')!.id;
    h.clock.advance(10 * MIN);
    await h.plate('exit', '苏E10005');
    h.clock.advance(SEC);
    await h.plate('exit', '苏E10006');
    // Both held; staff let out the one they name, not the latest read.
    const opened = await h.gate.manualOpen({
      site: 's1',
      gate: 'g1',
      lane: 'exit',
      actor: 'wang',
      reason: '车主已现金缴费',
      plate: '苏E10005',
    });
    expect(opened.ok).toBe(true);
    expect(h.ledger.getSession(first)).toMatchObject({
      status: 'closed',
      closeReason: 'MANUAL_OPEN',
      manualOpen: true,
    });
    // Charged as it stood when it left: 10 min 1 s, 11 started minutes.
    expect(h.ledger.getSession(first)?.feeFen).toBe(1100);
    expect(h.ledger.getSession(second)?.status).toBe('open');
    expect(h.ledger.heldExitOf('s1', second)).not.toBeNull();
    expect(h.publisher.displays().at(-1)?.lines).toEqual(['苏E10005', '人工放行', '请通行']);
    const audit = h.ledger.auditList('s1', 10, 0);
    expect(audit.items[0]).toMatchObject({ actor: 'wang', action: 'manualOpen', reason: '车主已现金缴费' });
  });

  it('paid at the terminal before driving up: out inside the 15-minute window, held for the extra past it', async () => {
    start();
    await h.plate('entry', '苏E10007');
    await h.plate('entry', '苏E10008');
    h.clock.advance(10 * MIN);
    await h.pay('苏E10007', 1000);
    await h.pay('苏E10008', 1000);
    h.clock.advance(14 * MIN);
    await h.plate('exit', '苏E10007');
    h.clock.advance(2 * MIN); // 16 min after paying: past the window, 16 more started minutes due
    await h.plate('exit', '苏E10008');
    const reasons = h.publisher.commands().map((c) => c.reasonCode);
    expect(reasons).toEqual(['ENTRY_TEMPORARY', 'ENTRY_TEMPORARY', 'EXIT_PAID_WINDOW']);
    const held = h.publisher.displays().at(-1);
    expect(held?.colour).toBe('yellow');
    expect(held?.lines.join(' ')).toContain('16.00元');
    expect(stay('苏E10008')).not.toBeNull();
  });

  it('a terminal that reuses an event id for another payment: both kept, neither mistaken for a redelivery (#16.3)', async () => {
    start();
    await h.plate('entry', '苏E10009');
    await h.plate('entry', '苏E10010');
    h.clock.advance(3 * MIN);
    expect(await h.pay('苏E10009', 300, { eventId: 'pay-000001' })).toMatchObject({ ok: true, applied: true });
    // The same payment redelivered: applied once.
    expect(await h.pay('苏E10009', 300, { eventId: 'pay-000001' })).toMatchObject({ ok: true, applied: false });
    // The terminal rebooted: same event id, another car's money.
    expect(await h.pay('苏E10010', 300, { eventId: 'pay-000001' })).toMatchObject({ ok: true, applied: true });
    expect(stay('苏E10009')?.paidFen).toBe(300);
    expect(stay('苏E10010')?.paidFen).toBe(300);
  });

  it('a car read again 2 s after it was let out is the same departure: no new stay, no fee, the goodbye repeated (#16.2)', async () => {
    start();
    await h.plate('entry', '苏E10011');
    h.clock.advance(5 * MIN);
    await h.plate('exit', '苏E10011');
    await h.pay('苏E10011', 500);
    const left = h.ledger.lastClosedSession('s1', '苏E10011');
    expect(left).toMatchObject({ status: 'closed', closeReason: 'EXIT_PAID', feeFen: 500 });
    const passages = h.passages.length;
    const goodbye = h.publisher.displays().at(-1);
    h.clock.advance(2 * SEC);
    await h.plate('exit', '苏E10011');
    expect(stay('苏E10011')).toBeNull();
    expect(h.ledger.lastClosedSession('s1', '苏E10011')?.id).toBe(left?.id);
    expect(h.publisher.displays().at(-1)).toEqual(goodbye);
    const [paid, again] = h.publisher.commands().slice(-2);
    expect(again?.commandId).toBe(paid?.commandId);
    expect(h.passages).toHaveLength(passages);
    // Past the window the same plate is a new event again (here: an exit with no entry record).
    h.clock.advance(4 * MIN);
    await h.plate('exit', '苏E10011');
    expect(h.publisher.displays().at(-1)?.lines.join(' ')).toContain('无入场记录');
  });

  it('a car read again at the entry just after it was admitted is the same admission, not a passback denial (#16.2)', async () => {
    start();
    await h.plate('entry', '苏E10012');
    const admitted = stay('苏E10012');
    h.clock.advance(3 * SEC);
    await h.plate('entry', '苏E10012');
    const [first, again] = h.publisher.commands();
    expect(again).toMatchObject({ commandId: first?.commandId, reasonCode: 'ENTRY_TEMPORARY' });
    expect(h.ledger.openSessions('s1').map((s) => s.id)).toEqual([admitted?.id]);
    expect(h.passages).toHaveLength(1);
    expect(h.publisher.displays().map((d) => d.colour)).toEqual(['green', 'green']);
  });

  it('a confident exit read of a car with no stay is never taken for a similar plate inside (#23: the kill-test window)', async () => {
    start();
    await h.plate('entry', '苏E20012');
    const other = stay('苏E20012')!.id;
    h.clock.advance(MIN);
    // 苏E20013's exit read reaches the gateway before its own entry read (a kill left the entry undecided and the
    // broker resent it after the queued exit read): it must not hold, charge or let out 苏E20012.
    await h.plate('exit', '苏E20013');
    expect(h.ledger.heldExitOf('s1', other)).toBeNull();
    expect(h.ledger.getSession(other)?.status).toBe('open');
    expect(h.publisher.displays().at(-1)?.lines[0]).toBe('苏E20013');
  });
});
