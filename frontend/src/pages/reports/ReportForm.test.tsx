import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/problem';
import { saveToken } from '../../auth/session';
import { REPORT_FIELDS } from '../../lib/reportFields';
import { json, ME, problem, renderApp, stubApi } from '../../test/render';
import { mapProblemErrors } from './ReportForm';
import { ReportPage } from './ReportPage';

afterEach(() => vi.unstubAllGlobals());

const EDITOR = {
  ...ME,
  username: 'xa.lehongphong',
  display_name: 'Hội Khuyến học phường Lê Hồng Phong',
  role: 'editor',
  scopes: ['reports:read', 'reports:write', 'reports:approve', 'stats:read'],
  unit_code: '12433',
  unit_name: 'Phường Lê Hồng Phong',
  unit_level: 'commune',
};

function report(overrides: Record<string, unknown> = {}) {
  const figures = Object.fromEntries(REPORT_FIELDS.map((f) => [f, null]));
  return {
    ...figures,
    population: 6800,
    members: 2200,
    unit_code: '12433',
    unit_name: 'Phường Lê Hồng Phong',
    unit_level: 'commune',
    year: 2024,
    status: 'draft',
    submitted_at: null,
    submitted_by: null,
    approved_at: null,
    approved_by: null,
    updated_at: '2026-11-27T16:13:18Z',
    version: 1,
    ...overrides,
  };
}

function withEtag(body: unknown, etag: string, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ETag: etag } });
}

const PATH = '/api/v1/reports/12433/2024';

// The reconciliation panel below the form (its own tests are in ReconciliationPanel.test.tsx).
const RECON = {
  [`GET ${PATH}/reconciliation`]: () => json({ unit_code: '12433', year: 2024, report_status: 'draft', items: [] }),
};

function renderReport() {
  saveToken('tok', 3600);
  return renderApp(
    <Routes>
      <Route path="/bao-cao/:unit/:year" element={<ReportPage />} />
    </Routes>,
    { route: '/bao-cao/12433/2024' },
  );
}

describe('mapProblemErrors', () => {
  it('puts body and report errors on their fields and keeps the rest apart', () => {
    const e = new ApiError(422, {
      type: 'urn:khuyenhoc:problem:validation',
      title: 'Dữ liệu không hợp lệ',
      status: 422,
      detail: 'Báo cáo có 3 lỗi',
      errors: [
        { loc: ['body', 'members'], msg: 'Không được lớn hơn dân số (100)', type: 'exceeds_denominator' },
        { loc: ['report', 'households'], msg: 'Cần nhập số hộ gia đình trước khi nộp', type: 'missing' },
        { loc: ['body', 'learning_families'], msg: 'A', type: 'x' },
        { loc: ['body', 'learning_families'], msg: 'B', type: 'y' },
        { loc: ['body'], msg: 'Thân yêu cầu không hợp lệ', type: 'other' },
        { loc: ['path', 'year'], msg: 'Năm không hợp lệ', type: 'other' },
      ],
    });
    const { fields, other } = mapProblemErrors(e);
    expect(fields).toEqual({
      members: ['Không được lớn hơn dân số (100)'],
      households: ['Cần nhập số hộ gia đình trước khi nộp'],
      learning_families: ['A', 'B'],
    });
    expect(other).toEqual(['Thân yêu cầu không hợp lệ', 'Năm không hợp lệ']);
    expect(mapProblemErrors(new Error('x'))).toEqual({ fields: {}, other: [] });
  });
});

describe('report form', () => {
  it('shows the figures formatted, labelled in Vietnamese and grouped', async () => {
    stubApi({
      ...RECON,
      'GET /api/v1/me': () => json(EDITOR),
      [`GET ${PATH}`]: () => withEtag(report({ population: 1898352 }), '"v1"'),
      [`GET ${PATH}/history`]: () => json({ items: [], next_cursor: null }),
      'GET /api/v1/units/12433': () => problem(404, 'Không tìm thấy', 'x'),
    });
    renderReport();
    const population = await screen.findByLabelText('Dân số');
    expect((population as HTMLInputElement).value).toBe('1.898.352');
    expect(screen.getByRole('group', { name: 'Dân số và tổ chức hội' })).toBeTruthy();
    expect(screen.getByLabelText('Công dân học tập được công nhận')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Lưu nháp' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Lưu và nộp báo cáo' })).toBeTruthy();
    // The commune's own editor neither approves nor reopens.
    expect(screen.queryByRole('button', { name: 'Phê duyệt' })).toBeNull();
  });

  it("maps the API's 422 errors to the fields they name, and lists them as links", async () => {
    const fetchMock = stubApi({
      ...RECON,
      'GET /api/v1/me': () => json(EDITOR),
      [`GET ${PATH}`]: () => withEtag(report(), '"v1"'),
      [`GET ${PATH}/history`]: () => json({ items: [], next_cursor: null }),
      [`PUT ${PATH}`]: () =>
        problem(422, 'Dữ liệu không hợp lệ', 'Báo cáo có 2 lỗi', {
          errors: [
            { loc: ['body', 'members'], msg: 'Không được lớn hơn dân số (6.800)', type: 'exceeds_denominator' },
            { loc: ['body', 'learning_families'], msg: 'Không được lớn hơn số đăng ký (55)', type: 'exceeds_registered' },
          ],
        }),
    });
    renderReport();
    const members = await screen.findByLabelText('Số hội viên');
    await userEvent.clear(members);
    await userEvent.type(members, '99999');
    await userEvent.tab();
    expect((members as HTMLInputElement).value).toBe('99.999');
    await userEvent.type(screen.getByLabelText('Gia đình học tập được công nhận'), '60');
    await userEvent.click(screen.getByRole('button', { name: 'Lưu nháp' }));

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Chưa lưu được báo cáo')).toBeTruthy();
    expect(within(alert).getByText('Có 2 lỗi cần sửa:')).toBeTruthy();
    const link = within(alert).getByRole('link', { name: 'Số hội viên: Không được lớn hơn dân số (6.800)' });
    expect(link.getAttribute('href')).toBe('#f-members');

    // Inline, tied to its input.
    expect(members.getAttribute('aria-invalid')).toBe('true');
    const errorId = members.getAttribute('aria-describedby')!;
    expect(document.getElementById(errorId)!.textContent).toBe('Không được lớn hơn dân số (6.800)');
    const families = screen.getByLabelText('Gia đình học tập được công nhận');
    expect(families.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Không được lớn hơn số đăng ký (55)')).toBeTruthy();
    expect(screen.getByLabelText('Dân số').getAttribute('aria-invalid')).toBeNull();

    // The body carried every figure as a number (or null), and the ETag.
    const put = fetchMock.mock.calls.map(([r]) => r).find((r) => r.method === 'PUT')!;
    expect(put.headers.get('If-Match')).toBe('"v1"');
    const body = JSON.parse(await put.text());
    expect(body.members).toBe(99999);
    expect(body.population).toBe(6800);
    expect(body.learning_families).toBe(60);
    expect(body.households).toBeNull();
    expect(Object.keys(body).sort()).toEqual([...REPORT_FIELDS].sort());
  });

  it('refuses what is not a whole number without calling the API', async () => {
    const fetchMock = stubApi({
      ...RECON,
      'GET /api/v1/me': () => json(EDITOR),
      [`GET ${PATH}`]: () => withEtag(report(), '"v1"'),
      [`GET ${PATH}/history`]: () => json({ items: [], next_cursor: null }),
    });
    renderReport();
    const boards = await screen.findByLabelText('Số ban khuyến học');
    await userEvent.type(boards, '12,5');
    await userEvent.click(screen.getByRole('button', { name: 'Lưu nháp' }));
    expect(await screen.findByText('Hãy nhập số nguyên không âm, ví dụ 6.800.')).toBeTruthy();
    expect(boards.getAttribute('aria-invalid')).toBe('true');
    expect(fetchMock.mock.calls.some(([r]) => r.method === 'PUT')).toBe(false);
  });

  it("maps the submit step's errors (loc report.*) too", async () => {
    stubApi({
      ...RECON,
      'GET /api/v1/me': () => json(EDITOR),
      [`GET ${PATH}`]: () => withEtag(report(), '"v1"'),
      [`GET ${PATH}/history`]: () => json({ items: [], next_cursor: null }),
      [`POST ${PATH}/submit`]: () =>
        problem(422, 'Dữ liệu không hợp lệ', 'Báo cáo có 1 lỗi', {
          errors: [{ loc: ['report', 'households'], msg: 'Cần nhập số hộ gia đình trước khi nộp', type: 'missing' }],
        }),
    });
    renderReport();
    await userEvent.click(await screen.findByRole('button', { name: 'Lưu và nộp báo cáo' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Chưa nộp được báo cáo')).toBeTruthy();
    expect(screen.getByLabelText('Số hộ gia đình').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getAllByText('Cần nhập số hộ gia đình trước khi nộp')).toHaveLength(1);
  });

  it('says clearly when someone else changed the report, and reloads it', async () => {
    let version = 1;
    stubApi({
      ...RECON,
      'GET /api/v1/me': () => json(EDITOR),
      [`GET ${PATH}`]: () => withEtag(report({ version, branches: version === 1 ? 9 : 10 }), `"v${version}"`),
      [`GET ${PATH}/history`]: () => json({ items: [], next_cursor: null }),
      [`PUT ${PATH}`]: () => {
        version = 2; // meanwhile, someone else saved
        return problem(412, 'Dữ liệu đã bị người khác thay đổi', 'Bản ghi đã được thay đổi từ lúc bạn tải về.');
      },
    });
    renderReport();
    const branches = await screen.findByLabelText('Số chi hội');
    await userEvent.clear(branches);
    await userEvent.type(branches, '11');
    await userEvent.click(screen.getByRole('button', { name: 'Lưu nháp' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Báo cáo đã bị người khác thay đổi')).toBeTruthy();
    await userEvent.click(within(alert).getByRole('button', { name: 'Tải lại bản mới nhất' }));
    await waitFor(() => expect((screen.getByLabelText('Số chi hội') as HTMLInputElement).value).toBe('10'));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('offers approve and reopen to the unit above, and nothing to change', async () => {
    stubApi({
      ...RECON,
      'GET /api/v1/me': () => json({ ...EDITOR, unit_code: '336', unit_name: 'Thành phố Thái Bình', unit_level: 'district' }),
      [`GET ${PATH}`]: () => withEtag(report({ status: 'submitted', submitted_at: '2026-11-27T16:20:00Z', submitted_by: 'xa.lehongphong' }), '"v2"'),
      [`GET ${PATH}/history`]: () =>
        json({
          items: [
            { at: '2026-11-27T16:13:18Z', actor_name: 'xa.lehongphong', action: 'create', changes: { members: [null, 2200] } },
            { at: '2026-11-27T16:20:00Z', actor_name: 'xa.lehongphong', action: 'submit', changes: { status: ['draft', 'submitted'] } },
          ],
          next_cursor: null,
        }),
    });
    renderReport();
    expect(await screen.findByRole('button', { name: 'Phê duyệt' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Mở lại để sửa' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Lưu nháp' })).toBeNull();
    expect((screen.getByLabelText('Số hội viên') as HTMLInputElement).readOnly).toBe(true);
    expect(await screen.findByText('Trạng thái: Nháp → Đã nộp')).toBeTruthy();
    expect(screen.getByText('Số hội viên: — → 2.200')).toBeTruthy();
  });

  it('reopens only with a reason, which it sends', async () => {
    let sent: unknown = null;
    stubApi({
      ...RECON,
      'GET /api/v1/me': () => json({ ...EDITOR, unit_code: '336', unit_name: 'Thành phố Thái Bình', unit_level: 'district' }),
      [`GET ${PATH}`]: () => withEtag(report({ status: 'approved', approved_at: '2026-11-28T08:00:00Z', approved_by: 'tp.thaibinh' }), '"v3"'),
      [`GET ${PATH}/history`]: () => json([]),
      [`POST ${PATH}/reopen`]: async (req) => {
        sent = await req.json();
        return withEtag(report({ status: 'draft', reopen_reason: 'Thiếu số quỹ' }), '"v4"');
      },
    });
    renderReport();
    const reopen = (await screen.findByRole('button', { name: 'Mở lại để sửa' })) as HTMLButtonElement;
    expect(reopen.disabled).toBe(true);
    await userEvent.type(screen.getByLabelText('Lý do (bắt buộc khi mở lại, tuỳ chọn khi phê duyệt)'), 'Thiếu số quỹ');
    expect(reopen.disabled).toBe(false);
    await userEvent.click(reopen);
    await waitFor(() => expect(sent).toEqual({ reason: 'Thiếu số quỹ' }));
  });
});
