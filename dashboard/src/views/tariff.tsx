import { api, seg } from '../api/client.ts';
import type { SiteInfo, TariffReply } from '../api/types.ts';
import { Async, Card, Empty } from '../components/ui.tsx';
import { dateOnly } from '../format.ts';
import { useResource } from '../hooks.ts';
import { getLang, t } from '../i18n/i18n.ts';

/** The published text (公示) next to the document the engine charges by: both come from the same tariff. */
export function TariffView(props: { site: SiteInfo }) {
  const tariff = useResource(() => api<TariffReply>(`/api/sites/${seg(props.site.id)}/tariff`), [props.site.id]);
  return (
    <Async data={tariff.data} error={tariff.error} reload={tariff.reload}>
      {(data) =>
        data.tariffs.length === 0 ? (
          <Empty />
        ) : (
          <div class="stack" data-testid="tariff">
            {data.tariffs.map((entry, i) => {
              const id = String(entry.doc.id ?? i);
              const inForce = data.inForce === id;
              return (
                <Card
                  key={id}
                  title={
                    <>
                      {t('tariff.version')} {String(entry.doc.version ?? id)}{' '}
                      {inForce && <span class="badge status-open">{t('tariff.inForce')}</span>}
                    </>
                  }
                  class={inForce ? 'in-force' : 'superseded'}
                >
                  <p class="muted">
                    {t('tariff.effective')} {dateOnly(entry.doc.effectiveFrom as string | number | undefined)}
                  </p>
                  <div class="tariff-columns">
                    <section>
                      <h3>{t('tariff.text')}</h3>
                      <pre class="notice">{getLang() === 'en' ? entry.textEn || entry.textZh : entry.textZh}</pre>
                    </section>
                    <section>
                      <h3>{t('tariff.rules')}</h3>
                      <pre class="doc">{JSON.stringify(entry.doc, null, 2)}</pre>
                    </section>
                  </div>
                </Card>
              );
            })}
          </div>
        )
      }
    </Async>
  );
}
