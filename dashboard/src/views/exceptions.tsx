import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import { useLiveEvents } from '../api/events.ts';
import type { ParkingException, SiteInfo } from '../api/types.ts';
import { act } from '../components/act.ts';
import { Async, Empty, ErrorBox, plainText } from '../components/ui.tsx';
import { normalisePlate, timeOnly } from '../format.ts';
import { useResource, useThrottle } from '../hooks.ts';
import { getLang, t, tv } from '../i18n/i18n.ts';

type Action = 'confirm' | 'correct' | 'dismiss';

/** Exceptions about a plate, where staff may type the right one. */
const PLATE_KINDS = new Set(['fuzzyMatch', 'ambiguousRead', 'noPlate', 'noEntryRecord', 'passback']);

/** Open exceptions: fuzzy matches to confirm, exits with no entry record, barrier faults; staff resolve them here. */
export function ExceptionsQueue(props: { site: SiteInfo; canAct: boolean }) {
  const path = `/api/sites/${seg(props.site.id)}/exceptions`;
  const list = useResource(() => api<ParkingException[]>(path, { query: { status: 'open' } }), [props.site.id]);
  const reload = useThrottle(list.reload, 300);
  useLiveEvents(props.site.id, ['exception'], reload, reload);
  return (
    <Async data={list.data} error={list.error} reload={list.reload}>
      {(items) =>
        items.length === 0 ? (
          <Empty text={t('live.noExceptions')} />
        ) : (
          <ul class="exceptions">
            {items.map((item) => (
              <ExceptionRow key={item.id} item={item} path={path} canAct={props.canAct} onDone={list.reload} />
            ))}
          </ul>
        )
      }
    </Async>
  );
}

function ExceptionRow(props: { item: ParkingException; path: string; canAct: boolean; onDone: () => void }) {
  const { item } = props;
  const [correcting, setCorrecting] = useState(false);
  const [plate, setPlate] = useState(item.plate ?? item.readPlate ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function resolve(action: Action): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const body: { action: Action; note: string; plate?: string } = {
        action,
        note: note.trim() || t(`exc.${action}`),
      };
      if (action === 'correct') body.plate = normalisePlate(plate);
      await api(`${props.path}/${seg(String(item.id))}/resolve`, { method: 'POST', json: body });
      props.onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const canConfirm = item.kind === 'fuzzyMatch' || item.kind === 'ambiguousRead';
  const canCorrect = PLATE_KINDS.has(item.kind);
  return (
    <li class={`exception kind-${item.kind}`} data-testid="exception" data-kind={item.kind} data-id={item.id}>
      <div class="exception-head">
        <strong>{tv('exc', item.kind)}</strong>
        <span class="muted small">
          {timeOnly(item.at, getLang())}
          {item.gate && ` · ${item.gate}`}
          {item.lane && ` · ${tv('lane', item.lane)}`}
        </span>
      </div>
      <div class="exception-body">
        {item.readPlate && (
          <span>
            {t('exc.read')} <span class="plate">{item.readPlate}</span>
          </span>
        )}
        {item.plate && item.plate !== item.readPlate && (
          <span>
            {' '}
            → {t('exc.matched')} <span class="plate">{item.plate}</span>
          </span>
        )}
        {item.detail !== undefined && item.detail !== null && (
          <span class="muted small"> {plainText(item.detail)}</span>
        )}
      </div>
      {props.canAct && (
        <div class="exception-actions">
          <input
            class="note"
            placeholder={t('exc.note')}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          {canConfirm && (
            <button
              type="button"
              disabled={busy}
              onClick={act('confirming', () => resolve('confirm'))}
              data-action="confirm"
            >
              {t('exc.confirm')}
            </button>
          )}
          {!canCorrect ? null : correcting ? (
            <>
              <input
                class="plate-input"
                aria-label={t('exc.correctPlate')}
                value={plate}
                onInput={(e) => setPlate(e.currentTarget.value)}
              />
              <button
                type="button"
                disabled={busy || !plate.trim()}
                onClick={act('correcting', () => resolve('correct'))}
                data-action="correct"
              >
                {t('vehicles.save')}
              </button>
            </>
          ) : (
            <button type="button" class="secondary" onClick={() => setCorrecting(true)} data-action="start-correct">
              {t('exc.correct')}
            </button>
          )}
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={act('dismissing', () => resolve('dismiss'))}
            data-action="dismiss"
          >
            {t('exc.dismiss')}
          </button>
        </div>
      )}
      {error !== null && <ErrorBox error={error} />}
    </li>
  );
}
