/** The running total and the pass rule's verdict, read out as they change (aria-live); with a rating rule
 * (Thông tư 44), the live band and what the next one needs: "Xếp loại: Khá — cần thêm 3 điểm để đạt Tốt". */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { CriteriaSet } from '../../api/recognition';
import type { RatingState, SheetState } from '../../lib/scoring';

export function ratingText(t: TFunction, rating: RatingState): string {
  const head = t('recognition.sheet.rating', { band: rating.band.name });
  if (!rating.next) return `${head} (${t('recognition.sheet.ratingBest')})`;
  const needs: string[] = [];
  if (rating.toNext > 0) needs.push(t('recognition.sheet.toNext', { count: rating.toNext, next: rating.next.name }));
  if (rating.shareShort.length > 0)
    needs.push(
      t('recognition.sheet.shareShort', { codes: rating.shareShort.join(', '), share: rating.next.min_criterion_share ?? 0, next: rating.next.name }),
    );
  return needs.length > 0 ? `${head} — ${needs.join('; ')}` : head;
}

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
      {state.rating && (
        <span className={`recog-rating ${state.rating.recognisable ? 'recog-pass' : 'recog-fail'}`} data-testid="recog-rating">
          {ratingText(t, state.rating)}
        </span>
      )}
      <span className={`recog-verdict ${tone}`} data-testid="recog-verdict">
        {verdict}
        {why.length > 0 && state.passed !== true ? ` — ${why.join('; ')}` : ''}
      </span>
    </div>
  );
}
