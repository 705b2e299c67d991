/** The running total and the pass rule's verdict, read out as they change (aria-live). */
import { useTranslation } from 'react-i18next';
import type { CriteriaSet } from '../../api/recognition';
import type { SheetState } from '../../lib/scoring';

export function RuleStatus({ state, rule }: { state: SheetState; rule: CriteriaSet['content']['pass_rule'] }) {
  const { t } = useTranslation();
  const why: string[] = [];
  if (state.shortBy > 0) why.push(t('recognition.sheet.shortBy', { count: state.shortBy }));
  if (state.below.length > 0) why.push(t('recognition.sheet.below', { count: state.below.length, min: rule.min_per_index, codes: state.below.join(', ') }));
  const pending = state.missing.length + state.invalid.length;
  let verdict: string;
  let tone: string;
  if (state.passed === true) {
    verdict = t('recognition.sheet.pass');
    tone = 'recog-pass';
  } else if (state.passed === false || state.below.length > 0) {
    verdict = t('recognition.sheet.fail');
    tone = 'recog-fail';
  } else {
    verdict = t('recognition.sheet.incomplete', { count: pending });
    tone = 'muted';
  }
  return (
    <div className="recog-live" aria-live="polite" data-testid="recog-live">
      <span className="recog-total">
        {t('recognition.sheet.total')}: <strong data-testid="recog-total">{state.total}</strong> / {state.maxTotal}
      </span>
      <span className={`recog-verdict ${tone}`} data-testid="recog-verdict">
        {verdict}
        {why.length > 0 && state.passed !== true ? ` — ${why.join('; ')}` : ''}
      </span>
    </div>
  );
}
