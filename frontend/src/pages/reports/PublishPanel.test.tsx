import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { saveToken } from '../../auth/session';
import { json, ME, renderApp, stubApi } from '../../test/render';
import { PublishPanel } from './PublishPanel';

afterEach(() => vi.unstubAllGlobals());

const ADMIN = { ...ME, unit_code: '35', unit_name: 'Tỉnh Hà Nam', scopes: ['reports:read', 'reports:publish'] };
const PUBLISHED = {
  unit_code: '35', unit_name: 'Tỉnh Hà Nam', unit_level: 'province', year: 2023, published_at: '2026-12-06T01:00:00Z',
};

function panel(approved = true) {
  return <PublishPanel unit="35" year={2023} name="Tỉnh Hà Nam" approved={approved} />;
}

describe('publishing a unit-year', () => {
  it('publishes after a confirmation, then withdraws it with a reason', async () => {
    saveToken('tok', 3600);
    let published = false;
    const fetchMock = stubApi({
      'GET /api/v1/me': () => json(ADMIN),
      'GET /api/v1/public/publications': () => json({ items: published ? [PUBLISHED] : [], next_cursor: null }),
      'POST /api/v1/reports/35/2023/publish': () => {
        published = true;
        return json(PUBLISHED, 201);
      },
      'DELETE /api/v1/reports/35/2023/publish': () => {
        published = false;
        return new Response(null, { status: 204 });
      },
    });
    renderApp(panel());
    const user = userEvent.setup();
    await screen.findByText(/Chưa công bố/);
    await user.click(await screen.findByRole('button', { name: 'Công bố' }));
    const ask = screen.getByRole('dialog', { name: 'Công bố số liệu năm 2023 — Tỉnh Hà Nam?' });
    expect(ask.textContent).toContain('không cần đăng nhập');
    await user.click(within(ask).getByRole('button', { name: 'Công bố' }));
    await screen.findByText(/Đã công bố ngày 06\/12\/2026/);
    expect(screen.getByRole('link', { name: /Trang công khai/ }).getAttribute('href')).toBe('/cong-khai/35/2023');
    // The list is asked past the browser's cache (a public answer is kept 60 s).
    const listCalls = fetchMock.mock.calls.map(([r]) => r as Request).filter((r) => r.url.includes('publications'));
    expect(listCalls.every((r) => r.cache === 'no-cache')).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Thu hồi công bố' }));
    const withdraw = screen.getByRole('dialog', { name: 'Thu hồi công bố năm 2023 — Tỉnh Hà Nam?' });
    fireEvent.submit(within(withdraw).getByRole('button', { name: 'Thu hồi công bố' }).closest('form')!);
    expect(await within(withdraw).findByText('Hãy ghi lý do thu hồi.')).toBeTruthy();
    expect(fetchMock.mock.calls.some(([r]) => (r as Request).method === 'DELETE')).toBe(false);
    await user.type(within(withdraw).getByLabelText('Lý do thu hồi (bắt buộc)'), 'Sửa số hội viên');
    await user.click(within(withdraw).getByRole('button', { name: 'Thu hồi công bố' }));
    await screen.findByText('Đã thu hồi công bố số liệu năm 2023.');
    const del = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.method === 'DELETE')!;
    expect(await del.clone().json()).toEqual({ reason: 'Sửa số hội viên' });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Công bố' })).toBeTruthy());
  });

  it('shows the status without buttons to someone who may not publish', async () => {
    saveToken('tok', 3600);
    stubApi({
      'GET /api/v1/me': () => json({ ...ADMIN, role: 'viewer', scopes: ['reports:read'] }),
      'GET /api/v1/public/publications': () => json({ items: [PUBLISHED], next_cursor: null }),
    });
    renderApp(panel(false));
    await screen.findByText(/Đã công bố ngày/);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says nothing where no approved report backs the year and nothing is published', async () => {
    saveToken('tok', 3600);
    const fetchMock = stubApi({
      'GET /api/v1/me': () => json(ADMIN),
      'GET /api/v1/public/publications': () => json({ items: [], next_cursor: null }),
    });
    const { container } = renderApp(panel(false));
    await waitFor(() => expect(fetchMock.mock.calls.some(([r]) => (r as Request).url.includes('publications'))).toBe(true));
    expect(container.querySelector('[data-testid="publish-panel"]')).toBeNull();
  });
});
