/**
 * The 2022 timeline the demo replays, in the project's own words: what each side writes on the
 * line. Built from the three seed articles (docs/scenario.md names the source of each event).
 * The articles give days, not hours: the clock times of the calls are the demo's own, and so is
 * every length but 13 May's "about an hour". Nothing here is quoted from the articles.
 *
 * @module
 */
import type { CallLevel, Precedence, Verdict } from "../src/record/mod.js";

/** The stations, by their data directory's name. */
export type StationKey = "washington" | "moscow" | "paris" | "ankara" | "london";

/** The stations: name and working language. */
export const STATIONS: readonly { key: StationKey; name: string; lang: string }[] = [
  { key: "washington", name: "Washington", lang: "en" },
  { key: "moscow", name: "Moscow", lang: "ru" },
  { key: "paris", name: "Paris", lang: "fr" },
  { key: "ankara", name: "Ankara", lang: "tr" },
  { key: "london", name: "London", lang: "en" },
];

/** The lines Moscow has in the articles: which station opens each, which joins. */
export const LINES: readonly { name: string; creator: StationKey; joiner: StationKey }[] = [
  // The Pentagon announced the line of 1 March 2022: Washington opens it.
  { name: "moscow-washington", creator: "washington", joiner: "moscow" },
  // On 23 October Moscow placed the calls: Moscow opens these and invites each capital.
  { name: "moscow-paris", creator: "moscow", joiner: "paris" },
  { name: "moscow-ankara", creator: "moscow", joiner: "ankara" },
  { name: "moscow-london", creator: "moscow", joiner: "london" },
];

/** A message written by a station's duty officer and acknowledged by the other side's. */
export interface MessageEvent {
  date: string;
  line: string;
  from: StationKey;
  text: string;
  lang: string;
  precedence: Precedence;
  /** the author's own English translation */
  english?: string;
  /** what the demo prints */
  summary: string;
}

/** A readout: the side's own account, in its own language, with its own English translation. */
export interface ReadoutText {
  lang: string;
  text: string;
  english?: string;
}

/** A mark on a point of the other side's readout: the point is found by a word in its original. */
export interface MarkSpec {
  by: StationKey;
  /** whose readout */
  on: StationKey;
  /** a word of the point (in the readout's original language) */
  pointWith: string;
  verdict: Verdict;
  comment: string;
}

/** A call: asked for on a line, accepted by the other side, held, recorded by the side that placed it. */
export interface CallEvent {
  date: string;
  line: string;
  askedBy: StationKey;
  level: CallLevel;
  topic: string;
  participants: string[];
  /** UTC, ISO with ms: the 2022 times, so the record says how long */
  start: string;
  end: string;
  readouts: Partial<Record<StationKey, ReadoutText>>;
  marks: MarkSpec[];
}

/** The line opens on 1 March 2022: a line check each way. */
export const LINE_OPENS: readonly MessageEvent[] = [
  {
    date: "1 Mar 2022",
    line: "moscow-washington",
    from: "washington",
    lang: "en",
    precedence: "ROUTINE",
    text: "1 March 2022. Washington opening the deconfliction line with Moscow. Line check: please acknowledge.",
    summary: "Washington's line check, acknowledged at Moscow",
  },
  {
    date: "1 Mar 2022",
    line: "moscow-washington",
    from: "moscow",
    lang: "ru",
    precedence: "ROUTINE",
    text: "1 марта 2022 г. Москва на связи. Проверку линии подтверждаем.",
    english: "1 March 2022. Moscow on the line. We confirm the line check.",
    summary: "Moscow's answer in Russian (its English translation attached), acknowledged at Washington",
  },
];

const AUSTIN = "Secretary of Defense Lloyd Austin";
const SHOIGU = "Minister of Defence Sergei Shoigu";

/** Moscow's readout of a 23 October call to a counterpart: the same points to each. */
function moscowOn23October(counterpartRu: string, counterpartEn: string): ReadoutText {
  return {
    lang: "ru",
    text:
      `23 октября 2022 года министр обороны России Сергей Шойгу провёл телефонный разговор с ${counterpartRu}. ` +
      "Обсуждалось положение на Украине, которое быстро ухудшается и ведёт к дальнейшей неуправляемой эскалации. " +
      "Министр выразил обеспокоенность Москвы тем, что Украина может применить «грязную бомбу» — взрывное устройство с радиоактивными веществами.",
    english:
      `On 23 October 2022 Russia's Defence Minister Sergei Shoigu held a telephone conversation with ${counterpartEn}. ` +
      "They discussed the situation in Ukraine, which is worsening fast and heading towards further escalation beyond control. " +
      "The Minister expressed Moscow's concern that Ukraine could use a 'dirty bomb', an explosive device with radioactive material.",
  };
}

/** The calls, in order. */
export const CALLS: readonly CallEvent[] = [
  {
    date: "13 May 2022",
    line: "moscow-washington",
    askedBy: "washington",
    level: "minister",
    topic: "13 May 2022: the war in Ukraine; keeping lines of communication open",
    participants: [AUSTIN, SHOIGU],
    start: "2022-05-13T14:00:00.000Z",
    end: "2022-05-13T15:02:00.000Z",
    readouts: {
      washington: {
        lang: "en",
        text:
          "On 13 May 2022 Secretary Austin spoke with Minister Shoigu by telephone for about an hour. " +
          "The Secretary placed the call, the first between them since the invasion of Ukraine began on 24 February. " +
          "He urged an immediate ceasefire in Ukraine. " +
          "He stressed the importance of keeping lines of communication open.",
      },
      moscow: {
        lang: "ru",
        text:
          "13 мая 2022 года состоялся телефонный разговор министра обороны России Сергея Шойгу с министром обороны США Ллойдом Остином. " +
          "Разговор прошёл по инициативе американской стороны. " +
          "Министры обсудили положение на Украине и потребности Киева в вооружениях.",
        english:
          "On 13 May 2022 Russia's Defence Minister Sergei Shoigu and US Secretary of Defense Lloyd Austin spoke by telephone. " +
          "The call was placed at the initiative of the American side. " +
          "The ministers discussed the situation in Ukraine and Kyiv's needs for weapons.",
      },
    },
    marks: [
      {
        by: "washington",
        on: "moscow",
        pointWith: "инициативе",
        verdict: "agreed",
        comment: "Agreed: the Secretary placed the call.",
      },
    ],
  },
  {
    date: "21 Oct 2022",
    line: "moscow-washington",
    askedBy: "washington",
    level: "minister",
    topic: "21 October 2022: the war in Ukraine; lines of communication",
    participants: [AUSTIN, SHOIGU],
    start: "2022-10-21T14:00:00.000Z",
    end: "2022-10-21T14:40:00.000Z",
    readouts: {
      washington: {
        lang: "en",
        text:
          "On 21 October 2022 Secretary Austin spoke with Minister Shoigu by telephone, their first call since May. " +
          "The Secretary placed the call. " +
          "He underlined the need to keep lines of communication open while Russia's war against Ukraine goes on.",
      },
      moscow: {
        lang: "ru",
        text:
          "21 октября 2022 года министр обороны России Сергей Шойгу провёл телефонный разговор с министром обороны США Ллойдом Остином. " +
          "Звонок был сделан по инициативе американской стороны. " +
          "Стороны обсудили актуальные вопросы международной безопасности, в том числе положение на Украине.",
        english:
          "On 21 October 2022 Russia's Defence Minister Sergei Shoigu held a telephone conversation with US Secretary of Defense Lloyd Austin. " +
          "The call was made at the initiative of the American side. " +
          "The sides discussed topical questions of international security, the situation in Ukraine among them.",
      },
    },
    marks: [
      {
        by: "washington",
        on: "moscow",
        pointWith: "инициативе",
        verdict: "agreed",
        comment: "Agreed: the Secretary placed the call.",
      },
      {
        by: "moscow",
        on: "washington",
        pointWith: "war against",
        verdict: "disputed",
        comment:
          "Формулировка не наша: обсуждалось положение на Украине среди вопросов международной безопасности. " +
          "(Not our wording: the situation in Ukraine was discussed among questions of international security.)",
      },
    ],
  },
  {
    date: "23 Oct 2022",
    line: "moscow-paris",
    askedBy: "moscow",
    level: "minister",
    topic:
      "23 октября 2022 г.: положение на Украине, «грязная бомба» / 23 October 2022: Ukraine, the 'dirty bomb'",
    participants: [SHOIGU, "Minister Sébastien Lecornu"],
    start: "2022-10-23T09:00:00.000Z",
    end: "2022-10-23T09:30:00.000Z",
    readouts: {
      moscow: moscowOn23October(
        "французским коллегой Себастьяном Лекорню",
        "his French counterpart Sébastien Lecornu",
      ),
      paris: {
        lang: "fr",
        text:
          "Le 23 octobre 2022, Sébastien Lecornu s'est entretenu par téléphone avec son homologue russe, Sergueï Choïgou. " +
          "Le ministre russe a fait part de ses inquiétudes au sujet d'une « bombe sale ». " +
          "Sébastien Lecornu a redit que la France souhaite un règlement pacifique du conflit en Ukraine. " +
          "Il a souligné que la France ne se laisserait entraîner dans aucune escalade.",
        english:
          "On 23 October 2022 Sébastien Lecornu spoke by telephone with his Russian counterpart, Sergei Shoigu. " +
          "The Russian minister voiced concerns about a 'dirty bomb'. " +
          "Sébastien Lecornu restated that France wants a peaceful settlement of the conflict in Ukraine. " +
          "He made clear that France will not let itself be pulled into any escalation.",
      },
    },
    marks: [],
  },
  {
    date: "23 Oct 2022",
    line: "moscow-ankara",
    askedBy: "moscow",
    level: "minister",
    topic:
      "23 октября 2022 г.: положение на Украине, «грязная бомба» / 23 October 2022: Ukraine, the 'dirty bomb'",
    participants: [SHOIGU, "Minister Hulusi Akar"],
    start: "2022-10-23T10:00:00.000Z",
    end: "2022-10-23T10:25:00.000Z",
    readouts: {
      moscow: moscowOn23October("турецким коллегой Хулуси Акаром", "his Turkish counterpart Hulusi Akar"),
      ankara: {
        lang: "tr",
        text:
          "23 Ekim 2022'de Millî Savunma Bakanı Hulusi Akar, Rusya Savunma Bakanı Sergey Şoygu ile telefonda görüştü. " +
          "Görüşmede Ukrayna'daki durum ele alındı. " +
          "Rus Bakan, Ukrayna'nın bir “kirli bomba” kullanabileceği yönündeki endişesini iletti.",
        english:
          "On 23 October 2022 Defence Minister Hulusi Akar spoke by telephone with Russia's Defence Minister Sergei Shoigu. " +
          "The situation in Ukraine was discussed. " +
          "The Russian minister conveyed his concern that Ukraine might use a 'dirty bomb'.",
      },
    },
    marks: [],
  },
  {
    date: "23 Oct 2022",
    line: "moscow-london",
    askedBy: "moscow",
    level: "minister",
    topic:
      "23 октября 2022 г.: положение на Украине, «грязная бомба» / 23 October 2022: Ukraine, the 'dirty bomb'",
    participants: [SHOIGU, "Defence Secretary Ben Wallace"],
    start: "2022-10-23T11:00:00.000Z",
    end: "2022-10-23T11:20:00.000Z",
    readouts: {
      moscow: moscowOn23October("британским коллегой Беном Уоллесом", "his British counterpart Ben Wallace"),
      london: {
        lang: "en",
        text:
          "On 23 October 2022 the Defence Secretary, Ben Wallace, spoke by telephone with Minister Shoigu. " +
          "The Russian minister alleged that Ukraine could use a 'dirty bomb'. " +
          "After the talks the United Kingdom, France and the United States said jointly that they would keep supporting Ukraine for as long as needed.",
      },
    },
    marks: [],
  },
  {
    // The article says the two spoke again that Sunday, not who placed the call: the demo has
    // Moscow ask, as it did for its three other calls that day (docs/scenario.md says so).
    date: "23 Oct 2022",
    line: "moscow-washington",
    askedBy: "moscow",
    level: "minister",
    topic: "23 октября 2022 г.: положение на Украине / 23 October 2022: the situation in Ukraine",
    participants: [SHOIGU, AUSTIN],
    start: "2022-10-23T12:00:00.000Z",
    end: "2022-10-23T12:30:00.000Z",
    readouts: {
      // Moscow gave no details of this call: it publishes no readout.
      washington: {
        lang: "en",
        text:
          "On 23 October 2022 Secretary Austin and Minister Shoigu spoke again, two days after their previous call. " +
          "The Secretary said he would accept no pretext for Russia to escalate. " +
          "He restated that continued communication between them has value.",
      },
    },
    marks: [],
  },
];
