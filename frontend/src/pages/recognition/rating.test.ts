import { beforeEach, describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import { rateSheet, type CriteriaLike } from '../../lib/scoring';
import { ratingText } from './RuleStatus';

// Thông tư 44's bands read from the set (cut-offs are data): two standards of 50 points, for brevity.
const SET: CriteriaLike = {
  pass_rule: { min_total: 0, min_per_index: 0 },
  rating_rule: {
    bands: [
      { code: 'tot', name: 'Tốt', min_total: 85, min_criterion_share: 70 },
      { code: 'kha', name: 'Khá', min_total: 70, min_criterion_share: 50 },
      { code: 'trung_binh', name: 'Trung bình', min_total: 50 },
      { code: 'chua_dat', name: 'Chưa đạt', min_total: 0 },
    ],
  },
  criteria: [
    { code: 'I', indices: [{ code: '1', max_points: 50 }] },
    { code: 'II', indices: [{ code: '2', max_points: 50 }] },
  ],
};

describe('the live band on the scoring screen', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('vi');
  });

  it('says the band and how many points the next one needs, in Vietnamese', () => {
    const rating = rateSheet(SET, { '1': 41, '2': 41 })!;
    expect(ratingText(i18n.t, rating)).toBe('Xếp loại: Khá — cần thêm 3 điểm để đạt Tốt');
  });

  it('names the standard under the next band’s share, and the best band needs nothing', () => {
    const short = rateSheet(SET, { '1': 34, '2': 50 })!; // 84: 1 point short, standard I at 68 %
    expect(ratingText(i18n.t, short)).toBe(
      'Xếp loại: Khá — cần thêm 1 điểm để đạt Tốt; tiêu chuẩn I cần đạt từ 70 % điểm tối đa để đạt Tốt',
    );
    expect(ratingText(i18n.t, rateSheet(SET, { '1': 50, '2': 35 })!)).toBe('Xếp loại: Tốt (mức cao nhất)');
    expect(ratingText(i18n.t, rateSheet(SET, { '1': 20, '2': 20 })!)).toBe('Xếp loại: Chưa đạt — cần thêm 10 điểm để đạt Trung bình');
  });
});
