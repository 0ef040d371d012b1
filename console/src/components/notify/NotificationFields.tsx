import { useId, type Ref } from "react";
import { useTranslation } from "react-i18next";
import { NOTIFY_TYPES, type NotifyType } from "../../api-types";

interface NotificationFieldsProps {
  type: NotifyType | "";
  title: string;
  description: string;
  /** the description box's height, in lines */
  descriptionRows: number;
  /** the type's select, for the focus */
  typeRef?: Ref<HTMLSelectElement>;
  onType: (type: NotifyType | "") => void;
  onTitle: (title: string) => void;
  onDescription: (description: string) => void;
}

/**
 * What a notification says besides its volumes: its type, title and description, as labelled
 * fields of a `form-grid`.
 */
export function NotificationFields({
  type,
  title,
  description,
  descriptionRows,
  typeRef,
  onType,
  onTitle,
  onDescription,
}: NotificationFieldsProps) {
  const { t } = useTranslation();
  const ids = { type: useId(), title: useId(), description: useId() };
  return (
    <>
      <label htmlFor={ids.type}>{t("notify.type")}</label>
      <select
        id={ids.type}
        ref={typeRef}
        value={type}
        required
        onChange={(e) => onType(NOTIFY_TYPES.find((x) => x === e.target.value) ?? "")}
      >
        <option value="">{t("notify.chooseType")}</option>
        {NOTIFY_TYPES.map((x) => (
          <option key={x} value={x}>
            {t(`notifyType.${x}`)}
          </option>
        ))}
      </select>
      <label htmlFor={ids.title}>{t("notify.titleField")}</label>
      <input
        id={ids.title}
        value={title}
        required
        maxLength={200}
        onChange={(e) => onTitle(e.target.value)}
      />
      <label htmlFor={ids.description}>{t("notify.description")}</label>
      <textarea
        id={ids.description}
        value={description}
        rows={descriptionRows}
        maxLength={4000}
        dir="auto"
        onChange={(e) => onDescription(e.target.value)}
      />
    </>
  );
}
