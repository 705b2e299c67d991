import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { saveToken } from '../../auth/session';
import { REPORT_FIELDS } from '../../lib/reportFields';
import { json, ME, renderApp, stubApi } from '../../test/render';
import { ReportPage } from './ReportPage';

afterEach(() => vi.unstubAllGlobals());

const EDITOR = {
  ...ME,
  role: 'editor',
  scopes: ['reports:read', 'reports:write', 'registries:read'],
  unit_code: '336',
  unit_name: 'Thành phố Thái Bình',
  unit_level: 'district',
};

function report(status: string, figures: Record<string, number | null> = {}) {
  return {
    ...Object.fromEntries(REPORT_FIELDS.map((f) => [f, null])),
    ...figures,
    unit_code: '12439',
    unit_name: 'Phường Đề Thám',
    unit_level: 'commune',
    year: 2023,
    status,
    submitted_at: null,
    submitted_by: null,
    approved_at: null,
    approved_by: null,
    updated_at: '2026-11-27T16:13:18Z',
    version: 3,
  };
}

const item = (field: string, label: string, r: number | null, g: number) => ({
  field,
  label,
  report: r,
  registry: g,
  difference: r === null ? null : r - g,
  agrees: r === g,
});

const PATH = '/api/v1/reports/12439/2023';

function withEtag(body: unknown, etag: string) {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json', ETag: etag } });
}

function renderPage() {
  saveToken('tok', 3600);
  return renderApp(
    <Routes>
      <Route path="/bao-cao/:unit/:year" element={<ReportPage />} />
    </Routes>,
    { route: '/bao-cao/12439/2023' },
  );
}

describe('reconciliation panel', () => {
  it('shows each figure beside the registries, the disagreeing ones in red', async () => {
    stubApi({
      'GET /api/v1/me': () => json(EDITOR),
      [`GET ${PATH}`]: () => withEtag(report('approved', { members: 4187, awards_count: 1261, awards_vnd: 663_644_851 }), '"v3"'),
      [`GET ${PATH}/history`]: () => json({ items: [], next_cursor: null }),
      [`GET ${PATH}/reconciliation`]: () =>
        json({
          unit_code: '12439',
          year: 2023,
          report_status: 'approved',
          items: [
            item('members', 'Số hội viên', 4187, 4187),
            item('awards_count', 'Số suất khen thưởng, học bổng', 1261, 1260),
            item('awards_vnd', 'Tổng giá trị khen thưởng, học bổng (đồng)', 663_644_851, 663_118_567),
          ],
        }),
    });
    renderPage();
    const table = await screen.findByRole('table', { name: 'Đối chiếu báo cáo 12439 năm 2023 với sổ đăng ký' });
    expect(screen.getByText('2/3 số liệu không khớp với sổ đăng ký.')).toBeTruthy();
    const row = (name: string) => within(table).getByRole('rowheader', { name }).closest('tr')!;
    const awards = row('Số suất khen thưởng, học bổng');
    expect(awards.className).toBe('recon-disagree');
    expect(within(awards).getAllByRole('cell').map((c) => c.textContent)).toEqual(['1.261', '1.260', '+1', 'Lệch']);
    expect(within(row('Tổng giá trị khen thưởng, học bổng (đồng)')).getByText('+526.284 đ')).toBeTruthy();
    const members = row('Số hội viên');
    expect(members.className).toBe('recon-agree');
    expect(within(members).getByText('Khớp')).toBeTruthy();
    // The figure links to its registry; an approved report cannot be pre-filled.
    expect(within(table).getByRole('link', { name: 'Số suất khen thưởng, học bổng' }).getAttribute('href')).toBe('/so-dang-ky/khen-thuong?unit=12439');
    expect(screen.queryByRole('button', { name: 'Điền từ sổ đăng ký' })).toBeNull();
  });

  it('fills a draft from the registries with If-Match, and shows the new figures', async () => {
    let filled = false;
    const fetchMock = stubApi({
      'GET /api/v1/me': () => json(EDITOR),
      [`GET ${PATH}`]: () => withEtag(report('draft', { population: 11120, awards_count: 1261 }), '"v3"'),
      [`GET ${PATH}/history`]: () => json({ items: [], next_cursor: null }),
      [`GET ${PATH}/reconciliation`]: () =>
        json({
          unit_code: '12439',
          year: 2023,
          report_status: 'draft',
          items: [item('awards_count', 'Số suất khen thưởng, học bổng', filled ? 1260 : 1261, 1260)],
        }),
      [`POST ${PATH}/prefill`]: () => {
        filled = true;
        return withEtag({ ...report('draft', { population: 11120, awards_count: 1260 }), version: 4 }, '"v4"');
      },
    });
    renderPage();
    await screen.findByText('1/1 số liệu không khớp với sổ đăng ký.');
    const button = screen.getByRole('button', { name: 'Điền từ sổ đăng ký' });

    // With unsaved changes in the form the button waits for them to be saved.
    const population = screen.getByLabelText('Dân số');
    await userEvent.type(population, '9');
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/hãy lưu nháp trước khi điền/)).toBeTruthy();
    await userEvent.clear(population);
    await userEvent.type(population, '11120');
    await userEvent.tab();
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));

    await userEvent.click(button);
    await screen.findByText('Đã điền các số liệu từ sổ đăng ký vào bản nháp.');
    const post = fetchMock.mock.calls.map(([r]) => r).find((r) => r.method === 'POST');
    expect(post?.headers.get('If-Match')).toBe('"v3"');
    await waitFor(() => expect((screen.getByLabelText('Số suất khen thưởng, học bổng') as HTMLInputElement).value).toBe('1.260'));
    await screen.findByText('Cả 1 số liệu khớp với sổ đăng ký.');
  });
});
