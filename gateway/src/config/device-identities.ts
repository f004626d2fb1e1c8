import type { Identity } from '../protocol/index.ts';
import type { Config } from './config.ts';

/**
 * The MQTT identities a deployment needs, read from its config: one per lane device and space sensor (the device id
 * is the username), plus the gateway and the read-only dashboard and bureau users.
 */
export function deviceIdentities(config: Config): { username: string; identity: Identity }[] {
  const out: { username: string; identity: Identity }[] = [
    { username: 'gateway', identity: { role: 'gateway', site: '*' } },
    { username: 'dashboard', identity: { role: 'dashboard', site: '*' } },
    { username: 'bureau', identity: { role: 'bureau', site: '*' } },
  ];
  const seen = new Set<string>();
  const add = (username: string, identity: Identity) => {
    if (seen.has(username)) return;
    seen.add(username);
    out.push({ username, identity });
  };
  for (const site of config.sites) {
    for (const gate of site.gates) {
      for (const lane of gate.lanes) {
        const at = { site: site.id, gate: gate.id };
        add(lane.camera, { role: 'camera', ...at, device: lane.camera });
        add(lane.barrier, { role: 'barrier', ...at, device: lane.barrier });
        add(lane.display, { role: 'display', ...at, device: lane.display });
        if (lane.loop) add(lane.loop, { role: 'loop', ...at, device: lane.loop });
        if (lane.payTerminal) add(lane.payTerminal, { role: 'payTerminal', ...at, device: lane.payTerminal });
      }
    }
    for (const zone of site.zones) {
      for (const space of zone.spaces) {
        if (space.sensor)
          add(space.sensor, { role: 'spaceSensor', site: site.id, space: space.id, device: space.sensor });
      }
    }
  }
  return out;
}
