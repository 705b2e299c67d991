import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes } from './App';
import { getToken, saveToken } from './auth/session';
import { json, ME, problem, renderApp, stubApi } from './test/render';

afterEach(() => vi.unstubAllGlobals());

const THAI_BINH = {
  code: '34',
  name: 'Tỉnh Thái Bình',
  level: 'province',
  division_type: 'tỉnh',
  parent_code: null,
  valid_from: null,
  valid_to: '2025-06-30',
  successor_codes: ['33'],
  predecessor_codes: [],
};

describe('app shell', () => {
  it('sends a visitor without a token to the sign-in page', async () => {
    stubApi({});
    renderApp(<AppRoutes />, { route: '/don-vi' });
    expect(await screen.findByRole('heading', { name: 'Đăng nhập' })).toBeTruthy();
  });

  it('shows the user, the navigation and the registries in tabs', async () => {
    saveToken('tok', 3600);
    const fetchMock = stubApi({
      'GET /api/v1/me': () => json(ME),
      'GET /api/v1/associations': () =>
        json({
          items: [
            {
              id: 1,
              kind: 'association',
              name: 'Hội Khuyến học tỉnh Thái Bình',
              host_kind: null,
              parent_id: null,
              founded_on: '1996-05-01',
              closed_on: null,
              unit_code: '34',
              external_id: null,
              partner: null,
              version: 1,
              created_at: '2026-11-27T10:00:00Z',
              updated_at: '2026-11-27T10:00:00Z',
            },
          ],
          next_cursor: null,
        }),
      'GET /api/v1/units/34': () => json(THAI_BINH),
    });
    renderApp(<AppRoutes />, { route: '/so-dang-ky' });
    const header = await screen.findByRole('banner');
    expect(await within(header).findByText('Nguyễn Văn A')).toBeTruthy();
    expect(within(header).getByText(/Tỉnh Thái Bình · Quản trị viên/)).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Điều hướng chính' });
    for (const name of ['Tổng quan', 'Tuân thủ chỉ tiêu', 'Báo cáo', 'Sổ đăng ký', 'Đơn vị hành chính']) {
      expect(within(nav).getByRole('link', { name })).toBeTruthy();
    }
    // Issue 19.9: no "Quản trị" without a right to administer (this user reads units only).
    expect(within(nav).queryByRole('link', { name: 'Quản trị' })).toBeNull();
    // The registries page is loaded on demand.
    expect(await screen.findByRole('heading', { level: 1, name: 'Sổ đăng ký' }, { timeout: 15000 })).toBeTruthy();
    const tabs = screen.getByRole('tablist', { name: 'Sổ đăng ký' });
    expect(within(tabs).getAllByRole('tab').map((t) => t.textContent)).toEqual([
      'Tổ chức hội',
      'Quỹ',
      'Khen thưởng',
      'Thi đua khen thưởng',
      'Kiểm tra',
      'Phối hợp',
      'Hoạt động',
    ]);
    expect(within(tabs).getByRole('tab', { name: 'Tổ chức hội' }).getAttribute('aria-selected')).toBe('true');
    // The user's own unit by default.
    const table = await screen.findByRole('table', { name: 'Danh sách tổ chức hội' });
    expect(within(table).getByText('Hội Khuyến học tỉnh Thái Bình')).toBeTruthy();
    const list = fetchMock.mock.calls.map(([r]) => new URL(r.url)).find((u) => u.pathname === '/api/v1/associations');
    expect(list?.searchParams.get('unit')).toBe('34');
    expect(await within(table).findByText('Tỉnh Thái Bình')).toBeTruthy();

    // Arrow keys move between tabs and choose them.
    within(tabs).getByRole('tab', { name: 'Tổ chức hội' }).focus();
    await userEvent.keyboard('{ArrowRight}');
    const funds = within(tabs).getByRole('tab', { name: 'Quỹ' });
    await waitFor(() => expect(funds.getAttribute('aria-selected')).toBe('true'));
    expect(document.activeElement).toBe(funds);
    expect(screen.getByRole('heading', { level: 2, name: 'Quỹ' })).toBeTruthy();
  });

  it('goes back to sign-in when a call answers 401', async () => {
    saveToken('expired-token', 3600);
    stubApi({ 'GET /api/v1/me': () => problem(401, 'Chưa đăng nhập', 'Phiên đăng nhập không hợp lệ.') });
    renderApp(<AppRoutes />, { route: '/don-vi' });
    expect(await screen.findByRole('heading', { name: 'Đăng nhập' })).toBeTruthy();
    expect(screen.getByText('Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.')).toBeTruthy();
    expect(getToken()).toBeNull();
  });

  it('signs out', async () => {
    saveToken('tok', 3600);
    const fetchMock = stubApi({
      'GET /api/v1/me': () => json(ME),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
    });
    renderApp(<AppRoutes />, { route: '/' });
    await userEvent.click(await screen.findByRole('button', { name: 'Đăng xuất' }));
    expect(await screen.findByText('Bạn đã đăng xuất.')).toBeTruthy();
    expect(getToken()).toBeNull();
    const logout = fetchMock.mock.calls.find(([r]) => r.url.endsWith('/auth/logout'));
    expect(logout?.[0].headers.get('Authorization')).toBe('Bearer tok');
  });
});

describe('units page', () => {
  it('lists provinces of the chosen map with the bearer token and opens a unit', async () => {
    saveToken('tok', 3600);
    const fetchMock = stubApi({
      'GET /api/v1/me': () => json(ME),
      'GET /api/v1/units': () => json({ items: [THAI_BINH], next_cursor: null }),
      'GET /api/v1/units/34': () => json(THAI_BINH),
      'GET /api/v1/units/33': () => json({ ...THAI_BINH, code: '33', name: 'Tỉnh Hưng Yên', valid_to: null }),
      'GET /api/v1/units/34/children': () =>
        json({
          items: [{ ...THAI_BINH, code: '336', name: 'Thành phố Thái Bình', level: 'district', parent_code: '34' }],
          next_cursor: null,
        }),
    });
    renderApp(<AppRoutes />, { route: '/don-vi?map=old' });
    const link = await screen.findByRole('link', { name: 'Tỉnh Thái Bình' });
    expect(screen.getByText('Đang hiển thị 1 đơn vị')).toBeTruthy();
    const listCall = fetchMock.mock.calls.map(([r]) => r).find((r) => new URL(r.url).pathname === '/api/v1/units')!;
    const q = new URL(listCall.url).searchParams;
    expect(q.get('as_of')).toBe('2024-12-31');
    expect(q.get('level')).toBe('province');
    expect(listCall.headers.get('Authorization')).toBe('Bearer tok');

    await userEvent.click(link);
    expect(await screen.findByRole('heading', { level: 1, name: 'Tỉnh Thái Bình' })).toBeTruthy();
    const facts = document.querySelector<HTMLElement>('dl.facts')!;
    expect(within(facts).getByText('30/06/2025')).toBeTruthy();
    expect(within(facts).getAllByText('tỉnh', { selector: 'dd' })).toHaveLength(2); // level and division type
    expect(await screen.findByRole('link', { name: 'Thành phố Thái Bình' })).toBeTruthy();
    expect(await screen.findByRole('link', { name: /33 · Tỉnh Hưng Yên/ })).toBeTruthy();
    expect(screen.getByText('1 đơn vị trực thuộc')).toBeTruthy();
  });

  it("shows the API's error when the search is refused", async () => {
    saveToken('tok', 3600);
    stubApi({
      'GET /api/v1/me': () => json(ME),
      'GET /api/v1/units': () =>
        problem(422, 'Dữ liệu không hợp lệ', 'Yêu cầu có 1 lỗi.', {
          errors: [{ loc: ['query', 'q'], msg: 'Tối đa 100 ký tự', type: 'string_too_long' }],
        }),
    });
    renderApp(<AppRoutes />, { route: '/don-vi?q=abc' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Yêu cầu có 1 lỗi.');
    expect(alert.textContent).toContain('q: Tối đa 100 ký tự');
  });

  it('exports every page of the list as one CSV through the API', async () => {
    saveToken('tok', 3600);
    const pages = [
      { body: '\uFEFFcode,name\r\n01,Thành phố Hà Nội\r\n', next: 'c2' },
      { body: '\uFEFFcode,name\r\n34,Tỉnh Thái Bình\r\n', next: null },
    ];
    const fetchMock = stubApi({
      'GET /api/v1/me': () => json(ME),
      'GET /api/v1/units': (req) => {
        const url = new URL(req.url);
        if (url.searchParams.get('format') !== 'csv') return json({ items: [THAI_BINH], next_cursor: null });
        const page = url.searchParams.get('cursor') === 'c2' ? pages[1]! : pages[0]!;
        const headers: Record<string, string> = { 'Content-Type': 'text/csv; charset=utf-8' };
        if (page.next) headers['X-Next-Cursor'] = page.next;
        return new Response(page.body, { headers });
      },
    });
    const created: Blob[] = [];
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: (b: Blob) => (created.push(b), 'blob:x'), revokeObjectURL: () => {} }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    renderApp(<AppRoutes />, { route: '/don-vi' });
    await userEvent.click(await screen.findByRole('button', { name: 'Tải về CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const text = await created[0]!.text();
    expect(text.replace(/^\uFEFF/, '')).toBe('code,name\r\n01,Thành phố Hà Nội\r\n34,Tỉnh Thái Bình\r\n');
    const csvCalls = fetchMock.mock.calls.map(([r]) => r).filter((r) => r.url.includes('format=csv'));
    expect(csvCalls).toHaveLength(2);
    expect(csvCalls.every((r) => r.headers.get('Authorization') === 'Bearer tok')).toBe(true);
    expect(new URL(csvCalls[0]!.url).searchParams.get('limit')).toBe('1000');
  });
});
