import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import { useLiveEvents } from '../api/events.ts';
import type { AuditEntry, Page, SiteInfo, SiteLane } from '../api/types.ts';
import { DataTable } from '../components/data-table.tsx';
import { MaybeError, SelectField, TextField, useSubmit } from '../components/fields.tsx';
import { Async, Card, Empty, plainText } from '../components/ui.tsx';
import { dateTime, normalisePlate, siteZone } from '../format.ts';
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
  const { submit, error, busy } = useSubmit(
    async function open() {
      setSent(null);
      const body: { lane: string; reason: string; plate?: string } = { lane, reason: reason.trim() };
      if (plate.trim()) body.plate = normalisePlate(plate);
      const reply = await api<{ commandId: string }>(`/api/sites/${seg(props.site.id)}/gates/${seg(gate)}/open`, {
        method: 'POST',
        json: body,
      });
      setSent(reply.commandId);
      setReason('');
      setPlate('');
    },
    () => reason.trim() !== '',
  );
  function chooseGate(id: string): void {
    setGate(id);
    const first = gates.find((g) => g.id === id)?.lanes[0];
    setLane(first ? laneName(first) : 'entry');
  }

  return (
    <Card title={t('gates.open')} testId="manual-open">
      <form class="inline-form" onSubmit={submit}>
        <SelectField
          label={t('gates.gate')}
          name="gate"
          value={gate}
          onValue={chooseGate}
          options={gates.map((g) => g.id)}
          optionLabel={(id) => gates.find((g) => g.id === id)?.name}
        />
        <SelectField
          label={t('gates.lane')}
          name="lane"
          value={lane}
          onValue={setLane}
          options={lanes}
          optionLabel={(l) => tv('lane', l)}
        />
        <TextField
          label={t('gates.reason')}
          class="grow"
          name="reason"
          required
          minLength={2}
          value={reason}
          onValue={setReason}
        />
        <TextField label={t('gates.plate')} name="plate" value={plate} onValue={setPlate} />
        <button type="submit" class="warn" disabled={busy || !reason.trim()}>
          {t('gates.submit')}
        </button>
      </form>
      {sent && (
        <p class="ok" data-testid="open-sent">
          {t('gates.sent', { id: sent })}
        </p>
      )}
      <MaybeError error={error} />
    </Card>
  );
}

function AuditLog(props: { site: SiteInfo }) {
  const zone = siteZone(props.site);
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
              <DataTable
                testId="audit-table"
                rows={data.items}
                rowKey={(entry, i) => `${entry.at}-${i}`}
                columns={[
                  { label: t('gates.at'), cell: (entry) => dateTime(entry.at, lang, zone) },
                  { label: t('gates.actor'), cell: (entry) => entry.actor },
                  { label: t('gates.action'), cell: (entry) => entry.action, cellClass: 'code' },
                  { label: t('gates.target'), cell: (entry) => entry.target ?? '' },
                  { label: t('gates.reasonCol'), cell: (entry) => entry.reason ?? '' },
                  { label: t('gates.detail'), cell: (entry) => plainText(entry.detail), cellClass: 'muted small' },
                ]}
              />
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
