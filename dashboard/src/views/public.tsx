import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import type { PublicFeeReply, PublicSite, PublicTariffReply } from '../api/types.ts';
import { PublicHeader } from '../app.tsx';
import { OccupancyBar } from '../components/charts.tsx';
import { MaybeError, TextField, useSubmit } from '../components/fields.tsx';
import { Async, Card, FeeBreakdown, StatusBadge } from '../components/ui.tsx';
import { dateOnly, dateTime, duration, normalisePlate, timeOnly, yuan } from '../format.ts';
import { useResource } from '../hooks.ts';
import { getLang, t } from '../i18n/i18n.ts';

/** The landing page: no login; free spaces, the published tariff and a fee look-up for one's own plate. */
export function PublicView() {
  const sites = useResource(() => api<PublicSite[]>('/api/public/sites', { anonymous: true }), []);
  const [chosen, setChosen] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  const { reload } = sites;
  // The public page has no login for the event stream, so it polls free spaces gently.
  useEffect(() => {
    const timer = setInterval(function refresh() {
      reload();
      setLoadedAt(Date.now());
    }, 30_000);
    return () => clearInterval(timer);
  }, [reload]);
  const list = sites.data ?? [];
  const site = list.find((s) => s.id === chosen) ?? list[0];

  return (
    <div class="public">
      <PublicHeader />
      <main class="public-main">
        <h1>{t('public.title')}</h1>
        <Async data={sites.data} error={sites.error} reload={sites.reload}>
          {(data) => (
            <div class="site-cards" data-testid="public-sites">
              {data.map((s) => (
                <button
                  type="button"
                  key={s.id}
                  class={`site-card ${site?.id === s.id ? 'chosen' : ''}`}
                  onClick={() => setChosen(s.id)}
                >
                  <div class="site-card-head">
                    <strong>{s.name}</strong>
                    <StatusBadge status={s.status} />
                  </div>
                  <div class="big-free">
                    <span class="big-number" data-testid={`free-${s.id}`}>
                      {s.free}
                    </span>
                    <span class="muted">
                      {t('public.free')} / {s.capacity} {t('public.capacity')}
                    </span>
                  </div>
                  <OccupancyBar occupied={s.occupied} capacity={s.capacity} status={s.status} />
                  <ul class="zone-list">
                    {s.zones.map((z) => (
                      <li key={z.id}>
                        <span>{z.name}</span>
                        <span>
                          {z.free} / {z.capacity} <StatusBadge status={z.status} />
                        </span>
                      </li>
                    ))}
                  </ul>
                </button>
              ))}
            </div>
          )}
        </Async>
        {site && (
          <p class="muted small">
            {t('public.updated')} {timeOnly(loadedAt, getLang())}
          </p>
        )}
        {site && (
          <div class="public-grid">
            <FeeLookup site={site} />
            <PublicTariff site={site} />
          </div>
        )}
      </main>
    </div>
  );
}

function PublicTariff(props: { site: PublicSite }) {
  const tariff = useResource(
    () => api<PublicTariffReply>(`/api/public/sites/${seg(props.site.id)}/tariff`, { anonymous: true }),
    [props.site.id],
  );
  return (
    <Card title={`${t('public.tariff')} · ${props.site.name}`} testId="public-tariff">
      <Async data={tariff.data} error={tariff.error} reload={tariff.reload}>
        {(data) => (
          <div>
            {data.tariffs.map((tariff) => (
              <article key={tariff.id} class="tariff-text">
                <p class="muted small">
                  {t('public.effective')} {dateOnly(tariff.effectiveFrom)} · v{tariff.version}
                </p>
                <pre class="notice">{getLang() === 'en' ? tariff.textEn || tariff.textZh : tariff.textZh}</pre>
              </article>
            ))}
          </div>
        )}
      </Async>
    </Card>
  );
}

function FeeLookup(props: { site: PublicSite }) {
  const [plate, setPlate] = useState('');
  const [result, setResult] = useState<PublicFeeReply | null>(null);
  const { submit, error, busy } = useSubmit(
    async function lookup() {
      try {
        setResult(
          await api<PublicFeeReply>(`/api/public/sites/${seg(props.site.id)}/fee`, {
            query: { plate: normalisePlate(plate) },
            anonymous: true,
          }),
        );
      } catch (e) {
        setResult(null);
        throw e;
      }
    },
    () => normalisePlate(plate) !== '',
  );

  return (
    <Card title={t('public.lookup')} testId="fee-lookup">
      <form class="inline-form" onSubmit={submit}>
        <TextField
          label={t('public.plate')}
          name="plate"
          value={plate}
          onValue={setPlate}
          placeholder={t('public.plateHint')}
          autocomplete="off"
          required
        />
        <button type="submit" disabled={busy}>
          {t('public.query')}
        </button>
      </form>
      <MaybeError error={error} />
      {result && (
        <div class="fee-result" data-testid="fee-result">
          {!result.inside ? (
            <p>{t('public.notInside')}</p>
          ) : (
            <>
              <p>
                <strong>{result.plate}</strong> · {t('public.entryAt')} {dateTime(result.entryAt, getLang())}
              </p>
              <p data-testid="fee-parked">
                {t('public.parked')}{' '}
                <strong>{result.entryAt === null ? '—' : duration(result.quotedAt - result.entryAt, getLang())}</strong>
                <span class="muted">
                  {' '}
                  ({t('public.quotedAt')} {dateTime(result.quotedAt, getLang())})
                </span>
              </p>
              <p class="due-line">
                {t('public.due')} <strong data-testid="fee-due">{yuan(result.dueFen)}</strong>
                <span class="muted">
                  {' '}
                  ({t('public.total')} {yuan(result.totalFen)} · {t('public.paid')} {yuan(result.paidFen)})
                </span>
              </p>
              <FeeBreakdown items={result.items} totalFen={result.totalFen} />
            </>
          )}
        </div>
      )}
    </Card>
  );
}
