import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** A page whose API the service does not offer yet: says so, and shows no figures. */
export function UnderConstruction({ title }: { title: string }) {
  const { t } = useTranslation();
  useDocumentTitle(title);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <div className="construction" role="note">
        <span className="construction-badge">{t('construction.title')}</span>
        <p>{t('construction.body', { page: title })}</p>
        <p>
          <Link to="/don-vi">{t('nav.units')}</Link>
        </p>
      </div>
    </section>
  );
}

export function useDocumentTitle(title: string): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
}
