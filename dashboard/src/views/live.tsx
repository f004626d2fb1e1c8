import { api, seg } from '../api/client.ts';
import { useLiveEvents } from '../api/events.ts';
import { noteGatewayTime } from '../api/gateway-time.ts';
import type { Device, LaneDisplay, LaneView, LiveEvent, OccupancyPayload, SiteInfo, Space } from '../api/types.ts';
import { OccupancyBar } from '../components/charts.tsx';
import { SpaceMap } from '../components/space-map.tsx';
import { Async, Card, StatusBadge } from '../components/ui.tsx';
import { duration, timeOnly } from '../format.ts';
import { useResource, useThrottle } from '../hooks.ts';
import { getLang, t } from '../i18n/i18n.ts';
import { ExceptionsQueue } from './exceptions.tsx';
import { Lanes } from './lanes.tsx';

type ShownDisplay = { gate: string; lane: string; display: LaneDisplay };

/** A `display` event: the payload sent to the panel, with the gate and the gateway time it was sent at. */
function displayOf(data: Extract<LiveEvent, { kind: 'display' }>['data']): ShownDisplay {
  const { gate, lane, lines, colour, voice, seconds, at } = data;
  return { gate, lane, display: { lines, colour, voice: voice ?? null, seconds, at } };
}

function withDisplay(lane: LaneView, shown: ShownDisplay): LaneView {
  return lane.gate === shown.gate && lane.lane === shown.lane ? { ...lane, display: shown.display } : lane;
}

/** The control-room view: zones, the space map, lanes with their LED mirrors, and the exceptions queue. */
export function LiveView(props: { site: SiteInfo; canAct: boolean }) {
  const { site } = props;
  const base = `/api/sites/${seg(site.id)}`;
  const occupancy = useResource(
    () =>
      api<OccupancyPayload>(`${base}/occupancy`).then(function noted(snapshot) {
        noteGatewayTime(snapshot.ts);
        return snapshot;
      }),
    [site.id],
  );
  const spaces = useResource(() => api<Space[]>(`${base}/spaces`), [site.id]);
  const lanes = useResource(() => api<LaneView[]>(`${base}/lanes`), [site.id]);
  const devices = useResource(() => api<Device[]>(`${base}/devices`), [site.id]);

  const reloadSpaces = useThrottle(spaces.reload, 1000);
  const reloadOccupancy = useThrottle(occupancy.reload, 500);
  const reloadLanes = useThrottle(lanes.reload, 250);

  useLiveEvents(
    site.id,
    ['occupancy', 'decision', 'display', 'barrier', 'session'],
    function onLive(event: LiveEvent) {
      if (event.kind === 'occupancy') {
        occupancy.setData(event.data);
        reloadSpaces();
        return;
      }
      if (event.kind === 'display') {
        const shown = displayOf(event.data);
        if (lanes.data) lanes.setData(lanes.data.map((lane) => withDisplay(lane, shown)));
        return;
      }
      reloadLanes();
      if (event.kind === 'session') reloadOccupancy();
    },
    function resync() {
      reloadOccupancy();
      reloadSpaces();
      reloadLanes();
    },
  );

  return (
    <div class="live" data-testid="live-view">
      <div class="live-top">
        <Card title={t('live.zones')} testId="zones">
          <Async data={occupancy.data} error={occupancy.error} reload={occupancy.reload}>
            {(occ) => <Zones occupancy={occ} site={site} />}
          </Async>
        </Card>
        <Card title={t('live.exceptions')} testId="exceptions" class="exceptions-card">
          <ExceptionsQueue site={site} canAct={props.canAct} />
        </Card>
      </div>
      <Card title={t('live.lanes')} testId="lanes">
        <Async data={lanes.data} error={lanes.error} reload={lanes.reload}>
          {(data) => <Lanes lanes={data} site={site} />}
        </Async>
      </Card>
      <div class="live-bottom">
        <Card title={t('live.spaces')}>
          <Async data={spaces.data} error={spaces.error} reload={spaces.reload}>
            {(data) => <SpaceMap spaces={data} zones={site.zones} />}
          </Async>
        </Card>
        <Card title={t('live.devices')}>
          <Async data={devices.data} error={devices.error} reload={devices.reload}>
            {(data) => <Devices devices={data} />}
          </Async>
        </Card>
      </div>
    </div>
  );
}

function Zones(props: { occupancy: OccupancyPayload; site: SiteInfo }) {
  const { occupancy } = props;
  const names = new Map(props.site.zones.map((z) => [z.id, z.name]));
  const age = occupancy.freshness?.oldestInputAgeMs;
  return (
    <div>
      <div class="site-total">
        <span class="big-number" data-testid="site-free">
          {occupancy.free}
        </span>
        <span class="muted">
          {' '}
          {t('live.free')} · {occupancy.occupied}/{occupancy.capacity} {t('live.occupied')}
        </span>{' '}
        <StatusBadge status={occupancy.status} />
      </div>
      <table class="table zones">
        <tbody>
          {occupancy.zones.map((zone) => (
            <tr key={zone.id} data-testid={`zone-${zone.id}`}>
              <td>{names.get(zone.id) ?? zone.id}</td>
              <td class="bar-cell">
                <OccupancyBar occupied={zone.occupied} capacity={zone.capacity} status={zone.status} />
              </td>
              <td class="num">
                {zone.occupied}/{zone.capacity}
              </td>
              <td>
                <StatusBadge status={zone.status} />
              </td>
              <td class="muted small">{t(`live.source.${zone.source}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">
        {t('live.freshness')}: {timeOnly(occupancy.freshness?.ts ?? occupancy.ts, getLang())}
        {age !== undefined && ` · ${duration(age, getLang())}`}
      </p>
    </div>
  );
}

function Devices(props: { devices: Device[] }) {
  const offline = props.devices.filter((d) => !d.online);
  return (
    <div>
      <p>{t('live.online', { n: props.devices.length - offline.length, total: props.devices.length })}</p>
      <ul class="device-list">
        {offline.map((d) => (
          <li key={d.id} class="offline">
            {d.id} · {d.kind} · {t('space.offline')}
            {d.lastSeenAt ? ` · ${timeOnly(d.lastSeenAt, getLang())}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
