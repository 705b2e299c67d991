import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes } from '../../App';
import { saveToken } from '../../auth/session';
import { json, ME, renderApp, stubApi } from '../../test/render';

afterEach(() => vi.unstubAllGlobals());

const rate = (n: number, d: number) => ({ numerator: n, denominator: d, value: n / d });

const HIGHLIGHTS = {
  unit_code: '33',
  unit_name: 'Tỉnh Hưng Yên',
  year: 2023,
  computed_from: ['33', '34'],
  coverage: { counted: 242, expected: 381, reports: 242 },
  items: [
    {
      key: 'members', label: 'Số hội viên', kind: 'total', value: 662525, previous: 652000,
      change_vs_previous_year: 10525, target: null, meets_target: null,
    },
    {
      key: 'membership_rate', label: 'Tỷ lệ hội viên trên dân số', kind: 'rate', value: rate(662525, 1898352),
      previous: rate(652000, 1895000), change_vs_previous_year: 0.4937, target: null, meets_target: null,
    },
    {
      key: 'learning_family_rate', label: 'Tỷ lệ gia đình học tập', kind: 'rate', value: rate(393740, 600214),
      previous: rate(386000, 597500), change_vs_previous_year: 0.9974, target: 0.7, meets_target: false,
    },
    {
      key: 'learning_community_rate', label: 'Tỷ lệ cộng đồng học tập (thôn, tổ dân phố)', kind: 'rate',
      value: rate(1522, 2000), previous: null, change_vs_previous_year: null, target: 0.65, meets_target: true,
    },
    {
      key: 'fund_raised_vnd', label: 'Quỹ khuyến học vận động trong năm (đồng)', kind: 'total', value: 163250000000,
      previous: 150400000000, change_vs_previous_year: 12850000000, target: null, meets_target: null,
    },
  ],
};

const HUNG_YEN = {
  code: '33', name: 'Tỉnh Hưng Yên', level: 'province', division_type: 'tỉnh', parent_code: null,
  valid_from: null, valid_to: null, successor_codes: [], predecessor_codes: ['33', '34'],
};

describe('overview page', () => {
  it("shows the unit's headline figures, change, targets met or not, coverage and sources", async () => {
    saveToken('tok', 3600);
    const fetchMock = stubApi({
      'GET /api/v1/me': () => json({ ...ME, unit_code: '33', unit_name: 'Tỉnh Hưng Yên' }),
      'GET /api/v1/units/33': () => json(HUNG_YEN),
      'GET /api/v1/stats/highlights': () => json(HIGHLIGHTS),
      'GET /api/v1/stats/series': () => json({ unit_code: '33', unit_name: 'Tỉnh Hưng Yên', indicator: 'membership_rate', label: '', kind: 'rate', items: [] }),
    });
    renderApp(<AppRoutes />, { route: '/?year=2023' });
    // The page's first render waits for its lazily loaded parts: slow on a busy test machine.
    const members = await screen.findByRole('listitem', { name: 'Số hội viên' }, { timeout: 5000 });
    expect(within(members).getByText('662.525')).toBeTruthy();
    expect(within(members).getByText(/so với năm 2022: \+10\.525/)).toBeTruthy();

    const rateCard = screen.getByRole('listitem', { name: 'Tỷ lệ hội viên trên dân số' });
    expect(within(rateCard).getByText('34,9%')).toBeTruthy();
    expect(within(rateCard).getByText(/\+0,5 điểm/)).toBeTruthy();

    const families = screen.getByRole('listitem', { name: 'Tỷ lệ gia đình học tập' });
    expect(families.className).toContain('card-behind');
    expect(within(families).getByText('Chưa đạt')).toBeTruthy();
    expect(families.textContent).toContain('Chỉ tiêu 70,0%');
    expect(families.textContent).toContain('thiếu 4,4 điểm');

    const communities = screen.getByRole('listitem', { name: 'Tỷ lệ cộng đồng học tập (thôn, tổ dân phố)' });
    expect(communities.className).toContain('card-met');
    expect(communities.textContent).toContain('vượt 11,1 điểm');
    expect(communities.textContent).toContain('Năm 2022 chưa có số liệu');

    const fund = screen.getByRole('listitem', { name: 'Quỹ khuyến học vận động trong năm (đồng)' });
    expect(fund.textContent).toContain('163,3 tỷ đồng');
    expect(fund.textContent).toContain('163.250.000.000 đ');

    expect(screen.getByText('242/381 xã có báo cáo')).toBeTruthy();
    // Issue 19.4: the units summed by name, not by code.
    expect(screen.getByText(/Tính từ:/)).toBeTruthy();
    expect(await screen.findByText('Tỉnh Hưng Yên', { selector: '.computed-from .unit-name' })).toBeTruthy();

    const call = fetchMock.mock.calls.map(([r]) => new URL(r.url)).find((u) => u.pathname.endsWith('/highlights'))!;
    expect(call.searchParams.get('unit')).toBe('33');
    expect(call.searchParams.get('year')).toBe('2023');
  });
});
