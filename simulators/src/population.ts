import type { PlateColour } from '../../gateway/src/protocol/index.ts';
import { generatePlate, type PlateKind } from './plates.ts';
import type { CommunityProfile } from './profiles.ts';
import type { Random } from './random.ts';

export type VehicleRole = 'resident' | 'visitor' | 'temporary' | 'blacklisted';

export interface SimVehicle {
  plate: string;
  colour: PlateColour;
  plateKind: PlateKind;
  role: VehicleRole;
  vehicleClass: 'small' | 'large';
  energy: 'fuel' | 'electric';
  /** Resident: its household; visitor: the host household. */
  household?: string;
  /** Resident cars that drive to work on weekdays. */
  commuter?: boolean;
}

export interface SimHousehold {
  id: string;
  room: string;
}

export interface Population {
  site: string;
  households: SimHousehold[];
  residents: SimVehicle[];
  blacklist: SimVehicle[];
  /** Plates already handed out, so new visitors never collide with anyone. */
  taken: Set<string>;
}

/** Room labels as property companies write them: 3栋2单元501. */
function roomLabel(index: number): string {
  const perUnit = 12;
  const unitsPerBuilding = 3;
  const building = Math.floor(index / (perUnit * unitsPerBuilding)) + 1;
  const unit = (Math.floor(index / perUnit) % unitsPerBuilding) + 1;
  const inUnit = index % perUnit;
  const floor = Math.floor(inUnit / 2) + 1;
  return `${building}栋${unit}单元${floor}0${(inUnit % 2) + 1}`;
}

export function newVehicle(
  random: Random,
  taken: Set<string>,
  prefix: string,
  role: VehicleRole,
  shares: { newEnergyShare: number; largeShare: number },
): SimVehicle {
  for (;;) {
    const kind: PlateKind = random.chance(shares.newEnergyShare)
      ? 'newEnergy'
      : random.chance(shares.largeShare)
        ? 'large'
        : 'standard';
    const plate = generatePlate(random, prefix, kind);
    if (taken.has(plate.plate)) continue;
    taken.add(plate.plate);
    return {
      plate: plate.plate,
      colour: plate.colour,
      plateKind: kind,
      role,
      vehicleClass: kind === 'large' ? 'large' : 'small',
      energy: kind === 'newEnergy' ? 'electric' : 'fuel',
    };
  }
}

/** The households and resident cars of a community, the same for the same seed. */
export function buildPopulation(profile: CommunityProfile, random: Random): Population {
  const taken = new Set<string>();
  const households: SimHousehold[] = [];
  const residents: SimVehicle[] = [];
  const [none, one, two] = profile.carsPerHousehold;
  for (let i = 0; i < profile.households; i++) {
    const room = roomLabel(i);
    households.push({ id: room, room });
    const r = random.next();
    const cars = r < none ? 0 : r < none + one ? 1 : r < none + one + two ? 2 : 3;
    for (let c = 0; c < cars; c++) {
      const vehicle = newVehicle(random, taken, profile.platePrefix, 'resident', profile);
      vehicle.household = room;
      // The second and third car of a household commute less often.
      vehicle.commuter = random.chance(c === 0 ? profile.weekday.commuterShare : profile.weekday.commuterShare / 2);
      residents.push(vehicle);
    }
  }
  const blacklist: SimVehicle[] = [];
  for (let i = 0; i < profile.blacklistSize; i++) {
    blacklist.push(newVehicle(random, taken, random.pick(profile.outsidePrefixes), 'blacklisted', profile));
  }
  return { site: profile.site, households, residents, blacklist, taken };
}
