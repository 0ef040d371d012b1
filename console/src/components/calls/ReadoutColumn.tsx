import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { ComparisonView, ReadoutView } from "../../api-types";
import { languageName } from "../../format";
import { useLocale } from "../../i18n";
import { Time } from "../Time";
import { TranslateButton } from "../translations/TranslateButton";
import { OriginalMark, TranslationList } from "../translations/TranslationList";
import { ReadoutPoint } from "./ReadoutPoint";

interface ColumnProps {
  readout: ReadoutView;
  /** the comparisons this readout was part of */
  comparisons: ComparisonView[];
  me: string;
  /** a supervisor or admin is signed in: may mark points of other sides' readouts */
  canMark: boolean;
  /** an officer or above: may attach translations */
  canTranslate: boolean;
  /** after a mark or translation is recorded */
  onChanged: () => void;
}

/**
 * One side's readout, point by point, as written: whether the others mention each point, the
 * marks on it, and the translations beneath.
 */
export function ReadoutColumn({ readout, comparisons, me, canMark, canTranslate, onChanged }: ColumnProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const headingId = useId();
  const mine = readout.station === me;
  const sides = comparisons.map((c) => (c.a.readout === readout.hash ? c.a : c.b));
  const others = comparisons.map((c) => (c.a.readout === readout.hash ? c.b : c.a).stationName);
  const viaTranslation = sides.find((s) => s.source === "translation");
  const via = readout.translations.find((tr) => tr.hash === viaTranslation?.translation);

  return (
    <section
      className={`readout-column ${mine ? "mine" : "theirs"} ${readout.latest ? "" : "superseded"}`}
      aria-labelledby={headingId}
    >
      <header className="readout-column-head">
        <h2 id={headingId}>
          {t("readouts.readoutOf", { station: readout.stationName })}
          {mine && <span className="muted small"> ({t("readouts.thisStation")})</span>}
        </h2>
        <div className="entry-head">
          <span className="readout-operator">{readout.operator}</span>
          <Time iso={readout.time} />
          <span className="lang-tag" title={languageName(readout.lang, locale)}>
            {readout.lang}
          </span>
          <OriginalMark translations={readout.translations} />
          <span className="entry-id muted" title={readout.hash}>
            {readout.hash.slice(0, 8)}
          </span>
        </div>
        {!readout.latest && <p className="warning-text small">{t("readouts.superseded")}</p>}
        {via !== undefined && (
          <p className="muted small">
            {t(via.machine ? "readouts.comparedViaMachine" : "readouts.comparedVia", {
              lang: via.lang,
              translator: via.translator,
            })}
          </p>
        )}
      </header>
      <ol className="points" aria-label={t("readouts.pointsOf", { station: readout.stationName })}>
        {readout.points.map((point) => (
          <ReadoutPoint
            key={point.index}
            readout={readout}
            point={point}
            others={others}
            canMark={canMark && !mine}
            me={me}
            onMarked={onChanged}
          />
        ))}
      </ol>
      <TranslationList translations={readout.translations} />
      {canTranslate && (
        <div className="entry-actions">
          <TranslateButton
            entry={readout.hash}
            lang={readout.lang}
            text={readout.text}
            onAttached={onChanged}
          />
        </div>
      )}
    </section>
  );
}
