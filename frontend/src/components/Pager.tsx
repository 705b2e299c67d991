import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Cursor pagination: the cursors of the pages seen so far (to go back), started again whenever
 * the filters (their key) change.
 */
export function useCursorPages(filterKey: string) {
  const [pages, setPages] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: filterKey, cursors: [undefined] });
  const cursors = pages.key === filterKey ? pages.cursors : [undefined];
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    prev: () => setPages({ key: filterKey, cursors: cursors.slice(0, -1) }),
    next: (cursor: string) => setPages({ key: filterKey, cursors: [...cursors, cursor] }),
    reset: () => setPages({ key: filterKey, cursors: [undefined] }),
  };
}

export function Pager({
  label,
  page,
  nextCursor,
  busy,
  onPrev,
  onNext,
}: {
  label: string;
  page: number;
  nextCursor: string | null | undefined;
  busy: boolean;
  onPrev: () => void;
  onNext: (cursor: string) => void;
}) {
  const { t } = useTranslation();
  if (page <= 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button" disabled={page <= 1 || busy} onClick={onPrev}>
        ← {t('reports.prev')}
      </button>
      <button type="button" className="button" disabled={!nextCursor || busy} onClick={() => nextCursor && onNext(nextCursor)}>
        {t('reports.next')} →
      </button>
    </nav>
  );
}
