import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCallback } from '../gateway/src/adapters/http/routes/session-routes.ts';
import { reasonDisplay } from '../gateway/src/domain/gate/reason-catalogue.ts';
import { type Community, nextMessage, plateEvent, startCommunity } from './support/community.ts';

const SECRET = 'test-callback-secret-0123456789';

describe('HTTP API on a running gateway', () => {
  let c: Community;
  let admin: string;
  let staff: string;
  let bureau: string;
  let otherStaff: string;

  async function call(
    method: string,
    url: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string>; payload?: string } = {},
  ) {
    const res = await fetch(`${c.gateway.httpUrl}${url}`, {
      method,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.payload !== undefined
        ? { body: opts.payload }
        : opts.body !== undefined
          ? { body: JSON.stringify(opts.body) }
          : {}),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json: json as Record<string, unknown> & unknown[], text, headers: res.headers };
  }

  async function login(username: string, password: string): Promise<string> {
    const res = await call('POST', '/api/auth/login', { body: { username, password } });
    expect(res.status).toBe(200);
    return res.json.token as string;
  }

  beforeAll(async () => {
    c = await startCommunity({ paymentSecret: SECRET });
    const accounts = c.gateway.gateway.accounts;
    accounts.upsertUser({ username: 'wang', role: 'staff', sites: ['s1'], displayName: '王师傅' }, 'staff-password');
    accounts.upsertUser({ username: 'li', role: 'staff', sites: ['other'], displayName: '李师傅' }, 'staff-password');
    accounts.upsertUser({ username: 'bureau', role: 'bureau', sites: [], displayName: '住建局' }, 'bureau-password');
    admin = await login('admin', 'admin-password');
    staff = await login('wang', 'staff-password');
    otherStaff = await login('li', 'staff-password');
    bureau = await login('bureau', 'bureau-password');
  });

  afterAll(async () => {
    await c?.stop();
  });

  it('refuses a wrong password with a stable code and serves health, metrics and the protocol', async () => {
    const bad = await call('POST', '/api/auth/login', { body: { username: 'wang', password: 'nope' } });
    expect(bad.status).toBe(401);
    expect(bad.json.code).toBe('ERR_BAD_CREDENTIALS');
    expect((await call('GET', '/healthz')).json).toMatchObject({ status: 'ok', mqtt: true, ledger: true });
    expect((await call('GET', '/metrics')).text).toContain('gateway_mqtt_connected 1');
    const protocol = await call('GET', '/api/protocol');
    const kinds = (protocol.json.topics as { kind: string }[]).map((t) => t.kind);
    expect(kinds).toEqual(expect.arrayContaining(['plate', 'barrierCommand', 'occupancy', 'report']));
    const openapi = await call('GET', '/docs/json');
    expect(Object.keys(openapi.json.paths as object)).toContain('/api/sites/{site}/sessions');
  });

  it('answers a bad body with 400 naming the field', async () => {
    const res = await call('POST', '/api/sites/s1/gates/g1/open', {
      token: staff,
      body: { lane: 'sideways', reason: '' },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('ERR_VALIDATION');
    expect(res.json.message).toMatch(/lane/);
  });

  it('imports vehicles from CSV with a report of rejected rows', async () => {
    const csv =
      '\uFEFF车牌号,房号,车型,能源类型\n京A11111,1栋101,小型车,燃油\n京A22222,1栋102,飞机,燃油\n京AD12345,1栋103,小型车,新能源\n';
    const res = await call('POST', '/api/sites/s1/vehicles/import', {
      token: staff,
      payload: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.json.imported).toBe(2);
    expect((res.json.rejected as { line: number }[]).map((r) => r.line)).toEqual([3]);
    const list = await call('GET', '/api/sites/s1/vehicles?q=京A11111', { token: bureau });
    expect(list.json.total).toBe(1);
    const strictly = (strict: string) =>
      call('POST', `/api/sites/s1/vehicles/import?strict=${strict}`, {
        token: staff,
        payload: csv.replaceAll('京A', '京C'),
        headers: { 'content-type': 'text/csv' },
      });
    // strict=false is the default behaviour (good rows land); strict=true writes nothing when a row is refused.
    const lenient = await strictly('false');
    expect(lenient.status).toBe(200);
    expect(lenient.json.imported).toBe(2);
    const strict = await strictly('true');
    expect(strict.status).toBe(400);
    expect(strict.json.reason).toMatch(/strict import/);
    expect(
      (
        await call('POST', '/api/sites/s1/vehicles/import', {
          token: bureau,
          payload: csv,
          headers: { 'content-type': 'text/csv' },
        })
      ).status,
    ).toBe(403);
  });

  it('keeps staff to their sites and bureau read-only', async () => {
    expect((await call('GET', '/api/sites/s1/sessions')).status).toBe(401);
    expect((await call('GET', '/api/sites/s1/sessions', { token: otherStaff })).status).toBe(403);
    expect((await call('GET', '/api/sites/s1/sessions', { token: bureau })).status).toBe(200);
    const open = await call('POST', '/api/sites/s1/gates/g1/open', {
      token: bureau,
      body: { lane: 'entry', reason: '测试' },
    });
    expect(open.status).toBe(403);
    expect(open.json.code).toBe('ERR_FORBIDDEN');
    const sites = await call('GET', '/api/sites', { token: otherStaff });
    expect(sites.json).toEqual([]);
  });

  it('opens a barrier by hand with a reason, commands it and audits who and why', async () => {
    const barrier = await c.device('bar-in');
    const command = await nextMessage<{ action: string; reasonCode: string }>(
      barrier,
      'parking/s1/gate/g1/barrier/command',
      async () => {
        const res = await call('POST', '/api/sites/s1/gates/g1/open', {
          token: staff,
          body: { lane: 'entry', reason: '救护车无牌照', plate: '' },
        });
        expect(res.status).toBe(200);
      },
    );
    expect(command).toMatchObject({ action: 'open', reasonCode: 'MANUAL_OPEN' });
    // The panel text is the reason catalogue's MANUAL_OPEN, recorded with who opened and why.
    const [decision] = c.gateway.gateway.ledger.recentDecisions('s1', 'g1', 'entry', 1);
    expect(decision).toMatchObject({ reason: 'MANUAL_OPEN', action: 'open' });
    expect(decision?.display).toMatchObject({
      ...reasonDisplay('MANUAL_OPEN', {}),
      actor: 'wang',
      manualReason: '救护车无牌照',
    });
    const audit = await call('GET', '/api/sites/s1/audit', { token: admin });
    const entry = (audit.json.items as { actor: string; action: string; reason: string }[]).find(
      (a) => a.action === 'manualOpen',
    );
    expect(entry).toMatchObject({ actor: 'wang', reason: '救护车无牌照' });
  });

  it('finds a session by plate, quotes it with a breakdown, and serves the public fee lookup', async () => {
    const camera = await c.device('cam-in');
    const led = await c.device('led-in');
    const shown = await nextMessage<{ lines: string[]; seconds: number }>(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', '鲁B24680', c.clock.now()), {
        qos: 1,
      }),
    );
    // The lane's mirror says how long the panel shows the text, so the dashboard can blank it as the panel does.
    const lanes = await call('GET', '/api/sites/s1/lanes', { token: staff });
    const entryLane = (lanes.json as { gate: string; lane: string; display: unknown }[]).find(
      (l) => l.gate === 'g1' && l.lane === 'entry',
    );
    expect(entryLane?.display).toMatchObject({ lines: shown.lines, seconds: shown.seconds });
    c.clock.advance(2 * 3600_000 + 1000); // 2h00m01s: 1 h free, then 2 started hours × ¥2 = ¥4
    const found = await call('GET', '/api/sites/s1/sessions?plate=24680', { token: staff });
    expect(found.json.total).toBe(1);
    const id = (found.json.items as { id: string }[])[0]!.id;
    const quote = await call('GET', `/api/sites/s1/sessions/${id}/quote`, { token: staff });
    expect(quote.json.totalFen).toBe(400);
    const items = quote.json.items as { amountFen: number }[];
    expect(items.reduce((sum, i) => sum + i.amountFen, 0)).toBe(400);
    const pub = await call('GET', '/api/public/sites/s1/fee?plate=鲁B24680');
    expect(pub.json).toMatchObject({ plate: '鲁B24680', inside: true, dueFen: 400 });
    expect(pub.json).not.toHaveProperty('sessionId');
    const tariff = await call('GET', '/api/public/sites/s1/tariff');
    expect((tariff.json.tariffs as { textZh: string }[])[0]?.textZh).toMatch(/临时车辆/);
  });

  it('accepts a signed payment callback once and refuses bad or replayed signatures', async () => {
    const session = c.gateway.gateway.ledger.findOpenSession('s1', '鲁B24680')!;
    const body = JSON.stringify({
      paymentId: 'wx-001',
      site: 's1',
      sessionId: session.id,
      amountFen: 400,
      method: 'wechat',
    });
    const ts = String(Date.now());
    const headers = {
      'content-type': 'application/json',
      'x-timestamp': ts,
      'x-signature': signCallback(SECRET, ts, body),
    };
    const first = await call('POST', '/api/payments/callback', { payload: body, headers });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ applied: true, dueFen: 0 });
    const again = await call('POST', '/api/payments/callback', { payload: body, headers });
    expect(again.json).toMatchObject({ applied: false });
    expect(c.gateway.gateway.ledger.getSession(session.id)?.paidFen).toBe(400);
    const forged = await call('POST', '/api/payments/callback', { payload: body.replace('400', '1'), headers });
    expect(forged.status).toBe(401);
    expect(forged.json.code).toBe('ERR_BAD_SIGNATURE');
    const oldTs = String(Date.now() - 10 * 60_000);
    const stale = await call('POST', '/api/payments/callback', {
      payload: body,
      headers: { ...headers, 'x-timestamp': oldTs, 'x-signature': signCallback(SECRET, oldTs, body) },
    });
    expect(stale.status).toBe(401);
  });

  it('answers a signed callback for a plate with no open session as accepted and held, twice the same, and keeps the money', async () => {
    const body = JSON.stringify({
      paymentId: 'wx-held-1',
      site: 's1',
      plate: '皖A13579',
      amountFen: 1000,
      method: 'wechat',
    });
    const signed = () => {
      const ts = String(Date.now());
      return { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': signCallback(SECRET, ts, body) };
    };
    const first = await call('POST', '/api/payments/callback', { payload: body, headers: signed() });
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ ok: true, status: 'held', applied: true, sessionId: null });
    const again = await call('POST', '/api/payments/callback', { payload: body, headers: signed() });
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ ok: true, status: 'held', applied: false });
    const kept = c.gateway.gateway.ledger.getPayment('callback/wx-held-1');
    expect(kept).toMatchObject({ plate: '皖A13579', sessionId: null, amountFen: 1000 });
    // A session the site does not have is still refused.
    const unknownBody = JSON.stringify({
      paymentId: 'wx-x',
      site: 's1',
      sessionId: 'nope',
      amountFen: 100,
      method: 'wechat',
    });
    const ts = String(Date.now());
    const unknown = await call('POST', '/api/payments/callback', {
      payload: unknownBody,
      headers: {
        'content-type': 'application/json',
        'x-timestamp': ts,
        'x-signature': signCallback(SECRET, ts, unknownBody),
      },
    });
    expect(unknown.status).toBe(404);
  });

  it('lets staff take money for a car held at the exit: the exit opens, the charge is audited, a retry applies once', async () => {
    const camIn = await c.device('cam-in');
    const ledIn = await c.device('led-in');
    await nextMessage(ledIn, 'parking/s1/gate/g1/display', () =>
      camIn.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', '冀A97531', c.clock.now()), {
        qos: 1,
      }),
    );
    c.clock.advance(2 * 3600_000 + 1000);
    const camOut = await c.device('cam-out');
    const ledOut = await c.device('led-out');
    const held = await nextMessage<{ colour: string }>(ledOut, 'parking/s1/gate/g1/display', () =>
      camOut.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', '冀A97531', c.clock.now()), {
        qos: 1,
      }),
    );
    expect(held.colour).toBe('yellow');
    const session = c.gateway.gateway.ledger.findOpenSession('s1', '冀A97531')!;
    const dueFen = c.gateway.gateway.fees.quoteSession(session, [], c.clock.now()).dueFen;
    expect(dueFen).toBeGreaterThan(0);
    const barrier = await c.device('bar-out');
    const body = { paymentId: 'booth-0001', amountFen: dueFen, method: 'cash', reason: '岗亭收现金' };
    const command = await nextMessage<{ reasonCode: string; sessionId: string }>(
      barrier,
      'parking/s1/gate/g1/barrier/command',
      async () => {
        const charged = await call('POST', `/api/sites/s1/sessions/${session.id}/payments`, { token: staff, body });
        expect(charged.status).toBe(200);
        expect(charged.json).toMatchObject({ ok: true, applied: true, dueFen: 0 });
      },
    );
    expect(command).toMatchObject({ reasonCode: 'EXIT_PAID', sessionId: session.id });
    const again = await call('POST', `/api/sites/s1/sessions/${session.id}/payments`, { token: staff, body });
    expect(again.json).toMatchObject({ ok: true, applied: false });
    expect(c.gateway.gateway.ledger.paymentsFor(session.id)).toEqual([
      expect.objectContaining({ id: 'staff/booth-0001', amountFen: dueFen, method: 'cash', source: 'staff' }),
    ]);
    expect(c.gateway.gateway.ledger.getSession(session.id)).toMatchObject({ status: 'closed', paidFen: dueFen });
    const audit = await call('GET', '/api/sites/s1/audit', { token: admin });
    const charges = (audit.json.items as { actor: string; action: string; target: string }[]).filter(
      (a) => a.action === 'staffCharge',
    );
    expect(charges).toEqual([expect.objectContaining({ actor: 'wang', target: session.id })]);
    const bad = await call('POST', `/api/sites/s1/sessions/${session.id}/payments`, {
      token: staff,
      body: { ...body, paymentId: 'x y', amountFen: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/paymentId|amountFen/);
  });

  it('sets security headers', async () => {
    const res = await call('GET', '/api/public/sites');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('closes a zone for works with a reason, versions its capacity and audits it', async () => {
    const closed = await call('POST', '/api/sites/s1/zones/B/state', {
      token: staff,
      body: { closed: true, reason: '地面维修' },
    });
    expect(closed.status).toBe(200);
    const versions = closed.json.capacityVersions as { capacity: number; source: string; from: number }[];
    expect(versions.map((v) => [v.source, v.capacity])).toEqual([
      ['config', 3],
      ['closed', 0],
    ]);
    expect(versions[0]?.from).toBe(0);
    const occupancy = await call('GET', '/api/sites/s1/occupancy', { token: staff });
    expect((occupancy.json.zones as { id: string; status: string }[]).find((z) => z.id === 'B')?.status).toBe('closed');
    const reopened = await call('POST', '/api/sites/s1/zones/B/state', {
      token: staff,
      body: { closed: false, reason: '维修完成' },
    });
    expect((reopened.json.capacityVersions as { capacity: number }[]).at(-1)?.capacity).toBe(3);
    expect(
      (await call('POST', '/api/sites/s1/zones/B/state', { token: bureau, body: { closed: true, reason: 'x1' } }))
        .status,
    ).toBe(403);
    const input = await c.gateway.gateway.reportSource.loadInput('s1', 0, c.clock.now());
    expect(input.capacityVersions.filter((v) => v.zone === 'B').map((v) => v.capacity)).toEqual([3, 0, 3]);
    expect((await call('GET', '/metrics')).text).toContain('gateway_outbox_points 0');
  });
});
