import { useTranslation } from "react-i18next";
import type {
  ComparedSide,
  ComparisonView,
  MarkedPoint,
  ReadoutsView,
  TranslationView,
} from "../../api-types";
import { languageName } from "../../format";
import { useLocale } from "../../i18n";

/**
 * Above the readouts: what both mention, what only one side does, and what the sides agreed and
 * disputed; or, plainly, that the readouts could not be compared, and why.
 */
export function ComparisonSummary({ view }: { view: ReadoutsView }) {
  const { t } = useTranslation();
  const latest = view.readouts.filter((r) => r.latest);
  return (
    <section className="panel comparison-summary" aria-labelledby="comparison-title">
      <h2 id="comparison-title">{t("readouts.summary")}</h2>
      {latest.length === 1 && latest[0] !== undefined && (
        <p className="muted">{t("readouts.onlyOne", { station: latest[0].stationName })}</p>
      )}
      {view.comparisons.map((c) => (
        <Comparison
          key={`${c.a.readout}/${c.b.readout}`}
          comparison={c}
          translations={view.readouts.flatMap((r) => r.translations)}
          disputed={
            view.disputed.filter((p) => p.readout === c.a.readout || p.readout === c.b.readout).length
          }
        />
      ))}
      <div className="marked-lists">
        <MarkedList title={t("readouts.disputed")} points={view.disputed} verdict="disputed" />
        <MarkedList title={t("readouts.agreed")} points={view.agreed} verdict="agreed" />
      </div>
      {view.comparisons.some((c) => c.comparable) && <p className="muted small">{t("readouts.how")}</p>}
    </section>
  );
}

function Comparison({
  comparison: c,
  disputed,
  translations,
}: {
  comparison: ComparisonView;
  disputed: number;
  translations: TranslationView[];
}) {
  const { t } = useTranslation();
  if (!c.comparable) {
    return (
      <p className="cannot-compare warning-text">
        {t("readouts.cannotCompare", {
          a: c.a.stationName,
          aLang: c.a.lang,
          b: c.b.stationName,
          bLang: c.b.lang,
        })}
      </p>
    );
  }
  const both = new Set(c.both.map((m) => m.a)).size;
  return (
    <div className="comparison">
      <p className="comparison-line">
        <strong>{t("readouts.both", { count: both })}</strong>
        {"; "}
        {t("readouts.onlyCount", { station: c.a.stationName, count: c.onlyA.length })}
        {"; "}
        {t("readouts.onlyCount", { station: c.b.stationName, count: c.onlyB.length })}
        {"; "}
        {t("readouts.disputedCount", { count: disputed })}
      </p>
      <ViaNote side={c.a} translations={translations} />
      <ViaNote side={c.b} translations={translations} />
      <div className="only-lists">
        <OnlyList station={c.a.stationName} lang={c.a.lang} points={c.onlyA} />
        <OnlyList station={c.b.stationName} lang={c.b.lang} points={c.onlyB} />
      </div>
    </div>
  );
}

function ViaNote({ side, translations }: { side: ComparedSide; translations: TranslationView[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (side.source !== "translation") return null;
  const used = translations.find((tr) => tr.hash === side.translation);
  return (
    <p className="muted small">
      {t(side.machine ? "readouts.readViaMachine" : "readouts.readVia", {
        station: side.stationName,
        lang: `${languageName(side.lang, locale)} (${side.lang})`,
        translator: used === undefined ? "?" : `${used.translator}, ${used.stationName}`,
      })}
      {used?.byAuthor === true && <> · {t("translation.byAuthor")}</>}
    </p>
  );
}

function OnlyList({
  station,
  lang,
  points,
}: {
  station: string;
  lang: string;
  points: { index: number; text: string }[];
}) {
  const { t } = useTranslation();
  return (
    <div className="only-list">
      <h3>{t("readouts.only", { station })}</h3>
      {points.length === 0 ? (
        <p className="muted">{t("readouts.nothing")}</p>
      ) : (
        <ul>
          {points.map((p) => (
            <li key={p.index} lang={lang} dir="auto">
              {p.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function MarkedList({
  title,
  points,
  verdict,
}: {
  title: string;
  points: MarkedPoint[];
  verdict: "agreed" | "disputed";
}) {
  const { t } = useTranslation();
  return (
    <div className={`marked-list marked-${verdict}`}>
      <h3>
        {verdict === "agreed" ? "✓" : "✗"} {title} ({points.length})
      </h3>
      {points.length > 0 && (
        <ul>
          {points.map((p) => (
            <li key={`${p.readout}/${p.index}`}>
              <span className="muted">
                {t("readouts.pointOf", { station: p.stationName, point: p.index })}
              </span>{" "}
              <span dir="auto">{p.text}</span>
              {p.by.map((b) => (
                <span key={b.station} className="marked-by">
                  {" "}
                  — {b.stationName}
                  {b.comment !== null && (
                    <>
                      : <q dir="auto">{b.comment}</q>
                    </>
                  )}
                </span>
              ))}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
