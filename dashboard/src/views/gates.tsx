import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import { useLiveEvents } from '../api/events.ts';
import type { AuditEntry, Page, SiteInfo, SiteLane } from '../api/types.ts';
import { Async, Card, Empty, ErrorBox, plainText } from '../components/ui.tsx';
import { dateTime, normalisePlate } from '../format.ts';
import { useResource, useThrottle } from '../hooks.ts';
import { getLang, t, tv } from '../i18n/i18n.ts';

const AUDIT_PAGE = 50;

function laneName(lane: SiteLane): string {
  return typeof lane === 'string' ? lane : lane.lane;
}

export function GatesView(props: { site: SiteInfo; canAct: boolean }) {
  return (
    <div class="stack">
      {props.canAct && <ManualOpen site={props.site} />}
      <AuditLog site={props.site} />
    </div>
  );
}

/** Manual open (手动开闸): the reason is required, the command is audited under the logged-in staff member. */
function ManualOpen(props: { site: SiteInfo }) {
  const gates = props.site.gates;
  const [gate, setGate] = useState(gates[0]?.id ?? '');
  const lanes = (gates.find((g) => g.id === gate)?.lanes ?? []).map(laneName);
  const [lane, setLane] = useState<string>(lanes[0] ?? 'entry');
  const [reason, setReason] = useState('');
  const [plate, setPlate] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function open(event: Event): Promise<void> {
    event.preventDefault();
    if (!reason.trim()) return;
    setBusy(true);
    setError(null);
    setSent(null);
    try {
      const body: { lane: string; reason: string; plate?: string } = { lane, reason: reason.trim() };
      if (plate.trim()) body.plate = normalisePlate(plate);
      const reply = await api<{ commandId: string }>(`/api/sites/${seg(props.site.id)}/gates/${seg(gate)}/open`, {
        method: 'POST',
        json: body,
      });
      setSent(reply.commandId);
      setReason('');
      setPlate('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('gates.open')} testId="manual-open">
      <form class="inline-form" onSubmit={open}>
        <label>
          {t('gates.gate')}
          <select
            name="gate"
            value={gate}
            onChange={(e) => {
              const id = e.currentTarget.value;
              setGate(id);
              const first = gates.find((g) => g.id === id)?.lanes[0];
              setLane(first ? laneName(first) : 'entry');
            }}
          >
            {gates.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('gates.lane')}
          <select name="lane" value={lane} onChange={(e) => setLane(e.currentTarget.value)}>
            {lanes.map((l) => (
              <option key={l} value={l}>
                {tv('lane', l)}
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          {t('gates.reason')}
          <input
            name="reason"
            required
            minLength={2}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('gates.plate')}
          <input name="plate" value={plate} onInput={(e) => setPlate(e.currentTarget.value)} />
        </label>
        <button type="submit" class="warn" disabled={busy || !reason.trim()}>
          {t('gates.submit')}
        </button>
      </form>
      {sent && (
        <p class="ok" data-testid="open-sent">
          {t('gates.sent', { id: sent })}
        </p>
      )}
      {error !== null && <ErrorBox error={error} />}
    </Card>
  );
}

function AuditLog(props: { site: SiteInfo }) {
  const zone = props.site.timeZone ?? 'Asia/Shanghai';
  const [offset, setOffset] = useState(0);
  const audit = useResource(
    () => api<Page<AuditEntry>>(`/api/sites/${seg(props.site.id)}/audit`, { query: { limit: AUDIT_PAGE, offset } }),
    [props.site.id, offset],
  );
  const reload = useThrottle(audit.reload, 300);
  useLiveEvents(offset === 0 ? props.site.id : null, ['audit'], reload, reload);
  const lang = getLang();
  return (
    <Card title={t('gates.audit')} testId="audit">
      <Async data={audit.data} error={audit.error} reload={audit.reload}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty />
          ) : (
            <>
              <div class="table-wrap">
                <table class="table" data-testid="audit-table">
                  <thead>
                    <tr>
                      <th>{t('gates.at')}</th>
                      <th>{t('gates.actor')}</th>
                      <th>{t('gates.action')}</th>
                      <th>{t('gates.target')}</th>
                      <th>{t('gates.reasonCol')}</th>
                      <th>{t('gates.detail')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((entry, i) => (
                      <tr key={`${entry.at}-${i}`}>
                        <td>{dateTime(entry.at, lang, zone)}</td>
                        <td>{entry.actor}</td>
                        <td class="code">{entry.action}</td>
                        <td>{entry.target ?? ''}</td>
                        <td>{entry.reason ?? ''}</td>
                        <td class="muted small">{plainText(entry.detail)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div class="pager">
                {offset > 0 && (
                  <button type="button" class="link" onClick={() => setOffset(Math.max(0, offset - AUDIT_PAGE))}>
                    {t('sessions.prev')}
                  </button>
                )}
                {offset + AUDIT_PAGE < data.total && (
                  <button type="button" class="link" onClick={() => setOffset(offset + AUDIT_PAGE)}>
                    {t('sessions.next')}
                  </button>
                )}
              </div>
            </>
          )
        }
      </Async>
    </Card>
  );
}
