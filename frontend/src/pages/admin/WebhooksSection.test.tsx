import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTypes, webhookState, type Delivery, type Webhook } from '../../api/webhooks';
import { json, ME, renderApp, stubApi } from '../../test/render';
import { WebhooksSection } from './WebhooksSection';

afterEach(() => vi.unstubAllGlobals());

function hook(over: Partial<Webhook> = {}): Webhook {
  return {
    id: 1,
    url: 'https://doi-tac.example.vn/nhan',
    description: 'Hệ thống Hà Nam',
    types: [],
    api_key_id: 3,
    partner: 'ha-nam',
    enabled: true,
    disabled_reason: null,
    disabled_at: null,
    cursor: '120',
    failures: 0,
    failing_since: null,
    pending: 0,
    created_at: '2026-12-01T02:00:00Z',
    updated_at: '2026-12-01T02:00:00Z',
    ...over,
  };
}

const DELIVERY: Delivery = {
  id: 42,
  webhook_id: 'msg_2b1',
  cursor: '118',
  type: 'award',
  record_id: 7,
  op: 'upsert',
  status: 'failed',
  attempts: 12,
  last_status_code: 503,
  last_error: 'HTTP 503',
  next_attempt_at: null,
  created_at: '2026-12-01T03:00:00Z',
  delivered_at: null,
};

describe('webhookState', () => {
  it('tells a pause by a person from an automatic disabling', () => {
    expect(webhookState({ enabled: true, disabled_reason: null })).toBe('active');
    expect(webhookState({ enabled: false, disabled_reason: 'Tắt bởi Quản trị.' })).toBe('paused');
    expect(webhookState({ enabled: false, disabled_reason: 'Tự động tắt sau 10 lần gửi thất bại liên tiếp trở lên' })).toBe(
      'auto-disabled',
    );
    expect(webhookState({ enabled: false, disabled_reason: null })).toBe('paused');
  });
});

describe('parseTypes', () => {
  it('reads a typed list of record types', () => {
    expect(parseTypes(' report, award ,report;fund_entry ')).toEqual(['report', 'award', 'fund_entry']);
    expect(parseTypes('  ')).toEqual([]);
  });
});

describe('WebhooksSection', () => {
  it('says which endpoints the platform disabled, and redelivers from the log', async () => {
    const stopped = hook({
      id: 2,
      url: 'https://hong.example.vn/hook',
      enabled: false,
      failures: 12,
      disabled_at: '2026-12-02T02:00:00Z',
      disabled_reason: 'Tự động tắt sau 10 lần gửi thất bại liên tiếp trở lên (lần cuối: HTTP 503)',
    });
    const fetch = stubApi({
      'GET /api/v1/me': () => json({ ...ME, scopes: ['sync:read', 'keys:admin'] }),
      'GET /api/v1/webhooks': () => json({ items: [hook(), stopped], next_cursor: null }),
      'GET /api/v1/webhooks/2/deliveries': () => json({ items: [DELIVERY], next_cursor: null }),
      'POST /api/v1/webhooks/2/deliveries/42/redeliver': () => json({ ...DELIVERY, status: 'pending' }, 202),
    });
    renderApp(<WebhooksSection />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('1 webhook đã bị tự động tắt');
    expect(alert.textContent).toContain('https://hong.example.vn/hook');
    expect(alert.textContent).toContain('lần cuối: HTTP 503');
    const row = screen.getByRole('row', { name: /hong\.example\.vn/ });
    expect(within(row).getByText('tự động tắt')).toBeTruthy();
    expect(within(screen.getByRole('row', { name: /doi-tac\.example\.vn/ })).getByText('đang gửi')).toBeTruthy();

    await userEvent.click(within(row).getByRole('button', { name: 'Nhật ký gửi của https://hong.example.vn/hook' }));
    const log = await screen.findByRole('region', { name: 'Nhật ký gửi: https://hong.example.vn/hook' });
    const line = await within(log).findByRole('row', { name: /award\.upsert #7/ });
    expect(line.textContent).toContain('thất bại');
    expect(line.textContent).toContain('503');
    expect(line.textContent).toContain('12');
    await userEvent.click(within(line).getByRole('button', { name: 'Gửi lại lần gửi 42' }));
    await within(log).findByText('Đã xếp lần gửi 42 để gửi lại (cùng webhook-id).');
    const posted = fetch.mock.calls.map(([r]) => `${r.method} ${new URL(r.url).pathname}`);
    expect(posted).toContain('POST /api/v1/webhooks/2/deliveries/42/redeliver');
  });

  it('resumes a disabled endpoint with a PATCH enabled=true', async () => {
    const stopped = hook({ enabled: false, disabled_reason: 'Tắt bởi Quản trị.' });
    let body: unknown = null;
    stubApi({
      'GET /api/v1/me': () => json({ ...ME, scopes: ['sync:read'] }),
      'GET /api/v1/webhooks': () => json({ items: [stopped], next_cursor: null }),
      'PATCH /api/v1/webhooks/1': async (r) => {
        body = await r.json();
        return json(hook());
      },
    });
    renderApp(<WebhooksSection />);
    const row = await screen.findByRole('row', { name: /doi-tac\.example\.vn/ });
    expect(within(row).getByText('tạm dừng')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull(); // paused by a person: no warning
    await userEvent.click(within(row).getByRole('button', { name: 'Bật lại webhook https://doi-tac.example.vn/nhan' }));
    await waitFor(() => expect(body).toEqual({ enabled: true }));
  });
});
