import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_WINDOW_MS, signCallback } from '../../gateway/src/adapters/http/routes/session-routes.ts';
import { nextMessage, plateEvent } from '../support/community.ts';
import { CALLBACK_SECRET, type HttpHarness, startHttpHarness } from './http-harness.ts';

describe('HTTP hardening: login rate limit, signed payment callbacks, security headers', () => {
  let h: HttpHarness;

  beforeAll(async () => {
    h = await startHttpHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers the 11th bad login in a minute from one address with 429, while another address still gets 401', async () => {
    const attempt = (remoteAddress: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress,
        payload: { username: 'admin', password: 'guess' },
      });
    for (let i = 1; i <= 10; i++) {
      const res = await attempt('203.0.113.7');
      expect(res.statusCode, `attempt ${i}`).toBe(401);
      expect(res.json().code).toBe('ERR_BAD_CREDENTIALS');
    }
    const eleventh = await attempt('203.0.113.7');
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.headers['retry-after']).toBeDefined();
    expect((await attempt('203.0.113.8')).statusCode).toBe(401);
    // The right password from the blocked address is refused too: the limit is not a password oracle.
    const right = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '203.0.113.7',
      payload: { username: 'admin', password: 'admin-password' },
    });
    expect(right.statusCode).toBe(429);
  });

  describe('payment callback', () => {
    let sessionId: string;
    const plate = '苏E55555';

    beforeAll(async () => {
      const c = h.community;
      const camera = await c.device('cam-in');
      const led = await c.device('led-in');
      await nextMessage(led, 'parking/s1/gate/g1/display', () =>
        camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', plate, c.clock.now()), {
          qos: 1,
        }),
      );
      sessionId = c.gateway.gateway.ledger.findOpenSession('s1', plate)!.id;
      c.clock.advance(3 * 3600_000);
    });

    function callback(body: object, opts: { at?: number; secret?: string; signBody?: string } = {}) {
      const raw = JSON.stringify(body);
      const timestamp = String(opts.at ?? Date.now());
      return h.app.inject({
        method: 'POST',
        url: '/api/payments/callback',
        headers: {
          'content-type': 'application/json',
          'x-timestamp': timestamp,
          'x-signature': signCallback(opts.secret ?? CALLBACK_SECRET, timestamp, opts.signBody ?? raw),
        },
        payload: raw,
      });
    }

    const pay = (paymentId: string, amountFen = 300) => ({
      paymentId,
      site: 's1',
      sessionId,
      amountFen,
      method: 'wechat',
    });

    it('refuses a wrong secret, a tampered body and a missing signature', async () => {
      const ledger = h.community.gateway.gateway.ledger;
      const wrong = await callback(pay('p-wrong'), { secret: 'not-the-secret' });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().code).toBe('ERR_BAD_SIGNATURE');
      const tampered = await callback(pay('p-tampered', 100_000), {
        signBody: JSON.stringify(pay('p-tampered', 1)),
      });
      expect(tampered.statusCode).toBe(401);
      const unsigned = await h.app.inject({
        method: 'POST',
        url: '/api/payments/callback',
        headers: { 'content-type': 'application/json' },
        payload: pay('p-unsigned'),
      });
      expect(unsigned.statusCode).toBe(400);
      expect(unsigned.json().message).toContain('x-signature');
      expect(ledger.paymentsFor(sessionId)).toEqual([]);
    });

    it('refuses a correctly signed callback whose timestamp is outside the window (replay)', async () => {
      const now = Date.now();
      const old = await callback(pay('p-old'), { at: now - CALLBACK_WINDOW_MS - 1000 });
      expect(old.statusCode).toBe(401);
      expect(old.json().message).toContain('window');
      const future = await callback(pay('p-future'), { at: now + CALLBACK_WINDOW_MS + 1000 });
      expect(future.statusCode).toBe(401);
      expect(h.community.gateway.gateway.ledger.paymentsFor(sessionId)).toEqual([]);
    });

    it('charges the same paymentId once, however often it is delivered', async () => {
      const ledger = h.community.gateway.gateway.ledger;
      const first = await callback(pay('p-1'));
      expect(first.statusCode).toBe(200);
      for (let i = 0; i < 3; i++) expect((await callback(pay('p-1'))).statusCode).toBeLessThan(500);
      const payments = ledger.paymentsFor(sessionId);
      expect(payments).toHaveLength(1);
      expect(payments[0]).toMatchObject({ amountFen: 300, source: 'callback' });
      expect(ledger.getSession(sessionId)?.paidFen).toBe(300);
    });
  });

  it('sets the security headers on pages, API answers and errors', async () => {
    for (const [who, url] of [
      ['anonymous', '/api/public/sites'],
      ['anonymous', '/api/sites/s1/sessions'],
      ['admin', '/api/sites/s1/occupancy'],
      ['anonymous', '/'],
    ] as const) {
      const res = await h.call(who, { method: 'GET', url, headers: { accept: 'text/html' } });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("frame-ancestors 'self'");
      expect(csp, url).toContain("object-src 'none'");
      expect(csp, url).not.toContain("script-src 'unsafe-inline'");
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['x-powered-by'], url).toBeUndefined();
      expect(res.headers['strict-transport-security'], url).toBeDefined();
    }
  });
});
