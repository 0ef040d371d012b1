/**
 * The October 2022 notifications the demo replays on `moscow-washington`, in the project's own
 * words: the notice rules both sides keep, NATO's nuclear deterrence exercise as Washington
 * notifies it, Moscow's question and Washington's answer, Moscow's own activities, and the zones
 * Moscow keeps to itself. docs/scenario.md says what comes from the seed articles, what from
 * public facts of October 2022, and what is the demo's own.
 *
 * Volumes carry their 2022 windows here; the replay moves every window by the same amount, so
 * that 17 October 2022 falls on the fourth day after today: a window in 2022 would be years late
 * for any notice rule.
 *
 * @module
 */
import type { NotifyType, Position, Volume } from "../src/record/mod.js";
import type { MessageEvent, StationKey } from "./_timeline.js";

/** The 2022 day the replay moves to the fourth day after today (Steadfast Noon's first day). */
export const REPLAY_ANCHOR = "2022-10-17T00:00:00.000Z";

/** Days after today that {@link REPLAY_ANCHOR} lands on: more than the 72 h an exercise needs. */
export const REPLAY_DAYS_AHEAD = 4;

/** A notification as a station's duty officer writes it. */
export interface NotificationEvent {
  /** the 2022 date it was notified, as the demo prints it */
  date: string;
  line: string;
  from: StationKey;
  type: NotifyType;
  title: string;
  description: string;
  /** each volume with its 2022 window, and where it is, for the demo's output ("over Belgium") */
  volumes: { name: string; volume: Volume }[];
}

/** A question about a notification, and the answer. */
export interface ClarificationEvent {
  date: string;
  askedBy: StationKey;
  /** in the asker's language */
  question: string;
  /** the asker's own English, written after the question in the same entry (a question has no translations) */
  english: string;
  answer: string;
}

/** A zone a station keeps to itself: an area it protects, or an activity it plans. */
export interface ZoneSpec {
  name: string;
  kind: "protected" | "plan";
  /** what the demo prints */
  what: string;
  geojson: { type: "Polygon"; coordinates: Position[][] };
  minAltitude?: number;
  maxAltitude?: number;
  /** 2022 times, moved as the volumes are */
  from?: string;
  to?: string;
}

/** The notice rules of `moscow-washington`, in hours before a notified activity's first window. */
export const NOTICE_HOURS: Partial<Record<NotifyType, number>> = {
  // The 1988 Ballistic Missile Launch Notification Agreement: at least 24 hours ahead.
  "missile-launch": 24,
  // Modelled on the 1972 Incidents at Sea Agreement's "3 to 5 days, as a rule".
  "nuclear-exercise": 72,
  exercise: 72,
};

/** Washington proposes the notice rules; Moscow's duty officer acknowledges, its admin sets them. */
export const NOTICE_PROPOSAL: MessageEvent = {
  date: "(today)",
  line: "moscow-washington",
  from: "washington",
  lang: "en",
  precedence: "ROUTINE",
  text:
    "Proposed notice rules for notifications on this line: missile launches at least 24 hours ahead, " +
    "as under the 1988 Ballistic Missile Launch Notification Agreement; nuclear exercises and other " +
    "exercises at least 72 hours ahead, in line with the three to five days of the 1972 Incidents at Sea " +
    "Agreement. Please confirm by setting them on the line.",
  summary: "Washington proposes notice rules, acknowledged at Moscow",
};

const MSL = "MSL" as const;
const ring = (...points: Position[]): Position[][] => [[...points, points[0] as Position]];

/** NATO's annual nuclear deterrence exercise, as Washington notifies it. */
export const STEADFAST_NOON: NotificationEvent = {
  date: "14 Oct 2022",
  line: "moscow-washington",
  from: "washington",
  type: "nuclear-exercise",
  title: "Steadfast Noon 2022: NATO's annual nuclear deterrence exercise, 17 to 30 October 2022",
  description:
    "NATO's annual nuclear deterrence exercise, hosted this year by Belgium: 14 Allies and up to 60 aircraft, " +
    "among them dual-capable fighters, surveillance and tanker aircraft, and US B-52 bombers flying in from " +
    "Minot Air Force Base, North Dakota. Training flights over Belgium, the North Sea and the United Kingdom; " +
    "notified here, the areas over Belgium (volume 0) and the North Sea (volume 1), from 17 October 2022 " +
    "06:00 to 30 October 2022 22:00 UTC. No live weapons are used. A routine exercise, held every year, " +
    "not linked to current events.",
  volumes: [
    {
      name: "over Belgium",
      volume: {
        geometry: {
          type: "Polygon",
          coordinates: ring(
            [2.54, 51.09],
            [3.1, 50.78],
            [4.15, 49.98],
            [4.8, 49.99],
            [5.75, 49.55],
            [6.02, 50.15],
            [6.4, 50.33],
            [6.16, 50.8],
            [5.85, 51.16],
            [5.04, 51.48],
            [4.24, 51.36],
            [3.36, 51.37],
          ),
        },
        altitude: { minMeters: 300, maxMeters: 12_000, ref: MSL },
        time: { start: "2022-10-17T06:00:00.000Z", end: "2022-10-30T22:00:00.000Z" },
      },
    },
    {
      name: "over the North Sea",
      volume: {
        geometry: {
          type: "Polygon",
          coordinates: ring(
            [2.0, 51.8],
            [3.2, 51.8],
            [4.4, 52.9],
            [6.5, 53.8],
            [7.5, 55.0],
            [7.0, 57.0],
            [4.0, 58.0],
            [0.5, 57.5],
            [-1.0, 56.0],
            [1.0, 54.5],
            [1.6, 53.0],
          ),
        },
        altitude: { minMeters: 150, maxMeters: 15_000, ref: MSL },
        time: { start: "2022-10-17T06:00:00.000Z", end: "2022-10-30T22:00:00.000Z" },
      },
    },
  ],
};

/** Moscow asks, after the 21 October call; Washington answers. The wording is the demo's. */
export const CLARIFICATION: ClarificationEvent = {
  date: "21 Oct 2022",
  askedBy: "moscow",
  question:
    "21 октября 2022 г. Просим разъяснений по учению Steadfast Noon: будет ли на борту самолётов ядерное оружие " +
    "и приблизятся ли полёты к границам Российской Федерации?",
  english:
    "21 October 2022. We ask for clarification of the Steadfast Noon exercise: will the aircraft carry nuclear " +
    "weapons, and will any flight come near the borders of the Russian Federation?",
  answer:
    "In answer to your question of 21 October 2022: no live weapons are used in Steadfast Noon. " +
    "All training flights stay within the two notified areas, over Belgium and the North Sea, more than 750 km " +
    "from the nearest Russian territory. The exercise is routine and held every year, was planned long in " +
    "advance, and is not linked to current events.",
};

/** Moscow's long-range aviation patrol: invented, so that the map has a conflict to show. */
export const PATROL: NotificationEvent = {
  date: "24 Oct 2022",
  line: "moscow-washington",
  from: "moscow",
  type: "air-activity",
  title: "Патрулирование дальней авиации, 27 октября 2022 г. / Long-range aviation patrol, 27 October 2022",
  description:
    "Плановый полёт двух стратегических бомбардировщиков Ту-95МС над международными водами Норвежского моря " +
    "и северной части Северного моря, 27 октября 2022 г., 06:00–20:00 UTC, на высотах 7000–11 000 м. " +
    "(A scheduled flight of two Tu-95MS strategic bombers over international waters of the Norwegian Sea and " +
    "the northern North Sea, 27 October 2022, 06:00–20:00 UTC, at 7,000–11,000 m.)",
  volumes: [
    {
      name: "over the Norwegian Sea and the northern North Sea",
      volume: {
        geometry: {
          type: "Polygon",
          coordinates: ring(
            [2.0, 56.5],
            [6.0, 56.5],
            [4.6, 59.5],
            [4.3, 62.0],
            [10.5, 67.0],
            [16.0, 70.0],
            [8.0, 71.0],
            [0.0, 67.0],
            [-2.0, 62.0],
            [0.0, 58.5],
          ),
        },
        altitude: { minMeters: 7_000, maxMeters: 11_000, ref: MSL },
        time: { start: "2022-10-27T06:00:00.000Z", end: "2022-10-27T20:00:00.000Z" },
      },
    },
  ],
};

const GROM_WINDOW = { start: "2022-10-26T08:00:00.000Z", end: "2022-10-26T16:00:00.000Z" };
const BALLISTIC = { minMeters: 0, maxMeters: 1_500_000, ref: MSL };

/** Russia's strategic forces exercise "Grom" of 26 October 2022, notified ahead to the US. */
export const GROM: NotificationEvent = {
  date: "25 Oct 2022",
  line: "moscow-washington",
  from: "moscow",
  type: "missile-launch",
  title:
    "«Гром-2022»: пуски баллистических ракет, 26 октября 2022 г. / Grom 2022: ballistic missile launches, 26 October 2022",
  description:
    "Тренировка сил стратегического сдерживания. Пуск межконтинентальной баллистической ракеты «Ярс» с " +
    "космодрома Плесецк и баллистической ракеты «Синева» с подводной лодки в Баренцевом море по полигону Кура " +
    "на Камчатке. Уведомление по Соглашению 1988 года. " +
    "(Strategic deterrence forces exercise. Launches of a Yars intercontinental ballistic missile from the " +
    "Plesetsk cosmodrome and of a Sineva ballistic missile from a submarine in the Barents Sea, to the Kura " +
    "range in Kamchatka. Notified under the 1988 Agreement.)",
  volumes: [
    {
      name: "around Plesetsk",
      volume: {
        geometry: { center: [40.58, 62.93], radiusMeters: 40_000 },
        altitude: BALLISTIC,
        time: GROM_WINDOW,
      },
    },
    {
      name: "in the Barents Sea",
      volume: {
        geometry: {
          type: "Polygon",
          coordinates: ring([33.0, 70.5], [40.0, 70.5], [40.0, 72.5], [33.0, 72.5]),
        },
        altitude: BALLISTIC,
        time: GROM_WINDOW,
      },
    },
    {
      name: "around the Kura range",
      volume: {
        geometry: { center: [161.83, 57.33], radiusMeters: 75_000 },
        altitude: BALLISTIC,
        time: GROM_WINDOW,
      },
    },
  ],
};

/** Moscow's own zones: on its map only, never on a line. Both are the demo's. */
export const MOSCOW_ZONES: readonly ZoneSpec[] = [
  {
    name: "kaliningrad",
    kind: "protected",
    what: "a protected zone over the Kaliningrad region, at every altitude and always",
    geojson: {
      type: "Polygon",
      coordinates: ring(
        [19.64, 54.45],
        [22.79, 54.36],
        [22.7, 54.97],
        [21.27, 55.25],
        [20.55, 55.2],
        [19.87, 54.93],
      ),
    },
  },
  {
    name: "barents-sea-exercise",
    kind: "plan",
    what: "a plan, not yet notified: a Northern Fleet exercise in the south-eastern Barents Sea, 7 to 11 November 2022, 0–3,000 m",
    geojson: { type: "Polygon", coordinates: ring([42.0, 70.0], [50.0, 70.0], [50.0, 72.5], [42.0, 72.5]) },
    minAltitude: 0,
    maxAltitude: 3_000,
    from: "2022-11-07T06:00:00.000Z",
    to: "2022-11-11T18:00:00.000Z",
  },
];
