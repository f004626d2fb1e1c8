import { z } from 'zod';
import { Id } from '../../gateway/src/protocol/index.ts';

const Hour = z.number().min(0).max(24);
const Share = z.number().min(0).max(1);
const TimeOfDay = z.object({ meanHour: Hour, sdHour: z.number().min(0).max(6) });

/** How a community's households own and use cars; one per site, calibrated in docs/simulation.md. */
export const CommunityProfile = z.object({
  site: Id,
  /** Local plate prefix of resident cars, e.g. 京A. */
  platePrefix: z.string().min(2).max(3),
  /** Prefixes of visitors' and temporary vehicles' plates. */
  outsidePrefixes: z.array(z.string().min(2).max(3)).min(1),
  households: z.int().min(1),
  /** Share of households with 0, 1, 2, 3 cars (一户多车). */
  carsPerHousehold: z.tuple([Share, Share, Share, Share]),
  newEnergyShare: Share,
  largeShare: Share,
  weekday: z.object({
    /** Resident cars that leave for work in the morning and return in the evening. */
    commuterShare: Share,
    departure: TimeOfDay,
    return: TimeOfDay,
    /** Non-commuter cars that make one daytime trip. */
    middayTripShare: Share,
    /** Cars that go out again in the evening for an hour or two. */
    eveningOutingShare: Share,
  }),
  weekend: z.object({
    outingShare: Share,
    outingStart: TimeOfDay,
    outingHours: z.object({ mean: z.number().min(0.25), sd: z.number().min(0) }),
  }),
  /** Cars leaving for a night or more (出差、回老家). */
  awayOvernightShare: Share,
  visitors: z.object({
    perDay: z.object({ weekday: z.number().min(0), weekend: z.number().min(0) }),
    /** Registered in advance by their host household. */
    preRegisteredShare: Share,
    /** Visitors arriving in the evening (18:00–21:00) rather than during the day. */
    eveningShare: Share,
    dwellHours: z.object({ mean: z.number().min(0.1), sd: z.number().min(0) }),
  }),
  temporary: z.object({
    perDay: z.object({ weekday: z.number().min(0), weekend: z.number().min(0) }),
    /** Mean stay of deliveries, taxis and other outside cars (exponential). */
    dwellHours: z.number().min(0.05),
  }),
  /** Attempts by blacklisted plates per day. */
  blacklistAttemptsPerDay: z.number().min(0),
  blacklistSize: z.int().min(0),
});
export type CommunityProfile = z.infer<typeof CommunityProfile>;

const commonWeekday = {
  departure: { meanHour: 7.9, sdHour: 0.45 },
  return: { meanHour: 18.6, sdHour: 0.65 },
};

/** 老街小区: an old community, far more cars than its 60 roadside spaces; retirees drive less. */
export const LAOJIE: CommunityProfile = CommunityProfile.parse({
  site: 'laojie',
  platePrefix: '京A',
  outsidePrefixes: ['京A', '京B', '京C', '冀A', '津A'],
  households: 260,
  carsPerHousehold: [0.55, 0.38, 0.06, 0.01],
  newEnergyShare: 0.1,
  largeShare: 0.02,
  weekday: { ...commonWeekday, commuterShare: 0.5, middayTripShare: 0.3, eveningOutingShare: 0.05 },
  weekend: { outingShare: 0.4, outingStart: { meanHour: 10, sdHour: 1.8 }, outingHours: { mean: 3.5, sd: 2 } },
  awayOvernightShare: 0.02,
  visitors: {
    perDay: { weekday: 14, weekend: 22 },
    preRegisteredShare: 0.3,
    eveningShare: 0.3,
    dwellHours: { mean: 1.5, sd: 0.8 },
  },
  temporary: { perDay: { weekday: 20, weekend: 14 }, dwellHours: 0.6 },
  blacklistAttemptsPerDay: 1,
  blacklistSize: 3,
});

/** 新苑: a new community with two underground levels and spare spaces; most households drive to work. */
export const XINYUAN: CommunityProfile = CommunityProfile.parse({
  site: 'xinyuan',
  platePrefix: '京N',
  outsidePrefixes: ['京N', '京Q', '京E', '冀F'],
  households: 180,
  carsPerHousehold: [0.12, 0.58, 0.27, 0.03],
  newEnergyShare: 0.35,
  largeShare: 0.01,
  weekday: { ...commonWeekday, commuterShare: 0.72, middayTripShare: 0.2, eveningOutingShare: 0.1 },
  weekend: { outingShare: 0.6, outingStart: { meanHour: 10.5, sdHour: 1.5 }, outingHours: { mean: 4.5, sd: 2 } },
  awayOvernightShare: 0.03,
  visitors: {
    perDay: { weekday: 10, weekend: 24 },
    preRegisteredShare: 0.7,
    eveningShare: 0.25,
    dwellHours: { mean: 2.5, sd: 1.2 },
  },
  temporary: { perDay: { weekday: 12, weekend: 10 }, dwellHours: 0.8 },
  blacklistAttemptsPerDay: 0.3,
  blacklistSize: 2,
});

/** 阳光花园: a mixed community, sensors on the ground zone, tight in the evening. */
export const YANGGUANG: CommunityProfile = CommunityProfile.parse({
  site: 'yangguang',
  platePrefix: '京A',
  outsidePrefixes: ['京A', '京B', '京K', '冀B'],
  households: 320,
  carsPerHousehold: [0.63, 0.32, 0.05, 0],
  newEnergyShare: 0.2,
  largeShare: 0.02,
  weekday: { ...commonWeekday, commuterShare: 0.62, middayTripShare: 0.25, eveningOutingShare: 0.08 },
  weekend: { outingShare: 0.5, outingStart: { meanHour: 10.2, sdHour: 1.6 }, outingHours: { mean: 4, sd: 2 } },
  awayOvernightShare: 0.02,
  visitors: {
    perDay: { weekday: 16, weekend: 26 },
    preRegisteredShare: 0.5,
    eveningShare: 0.3,
    dwellHours: { mean: 2, sd: 1 },
  },
  temporary: { perDay: { weekday: 18, weekend: 12 }, dwellHours: 0.7 },
  blacklistAttemptsPerDay: 0.5,
  blacklistSize: 2,
});

export const DEMO_PROFILES: readonly CommunityProfile[] = [YANGGUANG, LAOJIE, XINYUAN];

/** A profile for a site without one: households from the config, an average mix. */
export function defaultProfile(site: string, households: number): CommunityProfile {
  return CommunityProfile.parse({ ...YANGGUANG, site, households: Math.max(1, households) });
}

export function profileFor(site: string, households: number): CommunityProfile {
  return DEMO_PROFILES.find((p) => p.site === site) ?? defaultProfile(site, households);
}

/** The same community at a fraction of its size (fewer households, guests and attempts): for quick runs. */
export function scaleProfile(profile: CommunityProfile, scale: number): CommunityProfile {
  if (scale === 1) return profile;
  const s = Math.max(0, scale);
  return CommunityProfile.parse({
    ...profile,
    households: Math.max(1, Math.round(profile.households * s)),
    visitors: {
      ...profile.visitors,
      perDay: { weekday: profile.visitors.perDay.weekday * s, weekend: profile.visitors.perDay.weekend * s },
    },
    temporary: {
      ...profile.temporary,
      perDay: { weekday: profile.temporary.perDay.weekday * s, weekend: profile.temporary.perDay.weekend * s },
    },
    blacklistAttemptsPerDay: profile.blacklistAttemptsPerDay * s,
  });
}
