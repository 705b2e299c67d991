/**
 * Keep a form's unsaved changes from being lost by accident (issue 19, item 1): a link, the side
 * menu or Back asks first (a data router's blocker), and so do closing or reloading the tab (the
 * browser's own `beforeunload` question). Moving within the same page (its query, a tab of it)
 * is not asked about.
 */
import { useContext, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { UNSAFE_DataRouterContext, useBlocker, type BlockerFunction } from 'react-router';

export function useUnsavedGuard(dirty: boolean): void {
  const { t } = useTranslation();
  // Outside a data router (a component test rendering the form alone) only the tab is guarded.
  // Whether there is one never changes while the form is mounted, so the hooks keep their order.
  const dataRouter = useContext(UNSAFE_DataRouterContext) !== null;
  const shouldBlock: BlockerFunction = ({ currentLocation, nextLocation }) =>
    dirty && currentLocation.pathname !== nextLocation.pathname;
  // eslint-disable-next-line react-hooks/rules-of-hooks
  const blocker = dataRouter ? useBlocker(shouldBlock) : null;

  useEffect(() => {
    if (blocker?.state !== 'blocked') return;
    if (window.confirm(t('common.unsavedLeave'))) blocker.proceed();
    else blocker.reset();
  }, [blocker, t]);

  useEffect(() => {
    if (!dirty) return;
    const ask = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older browsers show the question only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [dirty]);
}
