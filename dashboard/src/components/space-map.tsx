import type { SiteZone, Space } from '../api/types.ts';
import { t, tv } from '../i18n/i18n.ts';

/** Spaces as coloured cells grouped by zone: free, occupied, unknown, offline (flapping ones are outlined). */
export function SpaceMap(props: { spaces: Space[]; zones: SiteZone[] }) {
  const byZone = new Map<string, Space[]>();
  for (const space of props.spaces) {
    const list = byZone.get(space.zone) ?? [];
    list.push(space);
    byZone.set(space.zone, list);
  }
  const names = new Map(props.zones.map((z) => [z.id, z.name]));
  const counts = { free: 0, occupied: 0, unknown: 0, offline: 0 };
  for (const space of props.spaces) if (space.state in counts) counts[space.state] += 1;
  return (
    <div class="space-map" data-testid="space-map">
      <div class="legend">
        {(['free', 'occupied', 'unknown', 'offline'] as const).map((state) => (
          <span key={state} class="legend-item">
            <i class={`cell space-${state}`} /> {t(`space.${state}`)} {counts[state]}
          </span>
        ))}
      </div>
      {[...byZone.entries()].map(([zone, spaces]) => (
        <div key={zone} class="space-zone">
          <h3>{names.get(zone) ?? zone}</h3>
          <div class="cells">
            {spaces.map((space) => (
              <span
                key={space.id}
                class={`cell space-${space.state}${space.flapping ? ' flapping' : ''}`}
                title={`${space.id} · ${tv('space', space.state)}${space.flapping ? ` · ${t('space.flapping')}` : ''}${space.battery !== undefined ? ` · 🔋${space.battery}%` : ''}`}
                data-state={space.state}
              />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
