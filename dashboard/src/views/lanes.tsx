import { useGatewayTime } from '../api/gateway-time.ts';
import type { LaneView, SiteInfo } from '../api/types.ts';
import { LedPanel } from '../components/led-panel.tsx';
import { Empty } from '../components/ui.tsx';
import { timeOnly } from '../format.ts';
import { getLang, t, tv } from '../i18n/i18n.ts';

/** Each lane: its barrier, the LED panel as it shows now, and the last plates with decisions and reason codes. */
export function Lanes(props: { lanes: LaneView[]; site: SiteInfo }) {
  const gatewayNow = useGatewayTime();
  if (props.lanes.length === 0) return <Empty />;
  const gateNames = new Map(props.site.gates.map((g) => [g.id, g.name]));
  return (
    <div class="lanes">
      {props.lanes.map((lane) => (
        <article class="lane" key={`${lane.gate}/${lane.lane}`} data-testid={`lane-${lane.gate}-${lane.lane}`}>
          <header class="lane-head">
            <strong>
              {lane.gateName ?? gateNames.get(lane.gate) ?? lane.gate} · {tv('lane', lane.lane)}
            </strong>
            {lane.barrier && (
              <span class={`badge barrier-${lane.barrier.state}`}>
                {t('live.barrier')} {tv('barrier', lane.barrier.state)}
              </span>
            )}
          </header>
          <LedPanel display={lane.display} gatewayNow={gatewayNow} />
          <table class="table recent">
            <tbody>
              {lane.recent.slice(0, 5).map((d, i) => (
                <tr key={`${d.at}-${i}`} class={`decision-${d.action}`}>
                  <td class="muted small">{timeOnly(d.at, getLang())}</td>
                  <td class="plate">
                    {d.readPlate && d.readPlate !== d.plate && <span class="muted small">{d.readPlate} → </span>}
                    {d.plate || '—'}
                    {d.fuzzy && <span class="badge fuzzy">{t('sessions.fuzzy')}</span>}
                  </td>
                  <td class="small" title={tv('reason', d.reason)}>
                    {tv('action', d.action)}
                    <div class="code muted">{d.reason}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
    </div>
  );
}
