import { useTranslation } from "react-i18next";
import { PageTitle } from "../components/PageTitle";
import { Link } from "../router";

export function NotFound({ path }: { path: string }) {
  const { t } = useTranslation();
  return (
    <main className="page">
      <PageTitle title={t("notFound.title")} />
      <p>{t("notFound.text", { path })}</p>
      <p>
        <Link to="/">{t("notFound.back")}</Link>
      </p>
    </main>
  );
}
