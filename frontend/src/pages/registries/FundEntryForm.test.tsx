import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../i18n';
import type { Fund, FundEntry } from '../../api/registries';
import { todayIso } from '../../lib/format';
import { json, problem, stubApi } from '../../test/render';
import { FundEntryForm, reversible } from './FundEntryForm';

afterEach(() => vi.unstubAllGlobals());

const FUND: Fund = {
  id: 1,
  name: 'Quỹ khuyến học Phường Lê Hồng Phong',
  owner_kind: 'association',
  association_id: 1,
  closed_on: null,
  unit_code: '12433',
  external_id: null,
  partner: null,
  version: 1,
  created_at: '2026-11-27T10:00:00Z',
  updated_at: '2026-11-27T10:00:00Z',
  balance_vnd: 153_329_722,
};

function entry(id: number, kind: string, amount: number, reverses: number | null = null): FundEntry {
  return {
    id,
    fund_id: 1,
    kind,
    amount_vnd: amount,
    occurred_on: '2023-03-01',
    description: `bút toán ${id}`,
    counterpart_fund_id: null,
    reverses_entry_id: reverses,
    award_id: null,
    created_at: '2026-11-27T10:00:00Z',
    created_by: 'system',
    external_id: null,
  };
}

const ENTRIES = [entry(1, 'contribution', 153_329_722), entry(2, 'contribution', 601_708_586), entry(3, 'disbursement', -601_708_586), entry(4, 'reversal', -601_708_586, 2)];

function setup(onPosted = vi.fn()) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <FundEntryForm fund={FUND} entries={ENTRIES} onPosted={onPosted} />
    </QueryClientProvider>,
  );
  return onPosted;
}

const posted = async (mock: ReturnType<typeof stubApi>) => {
  const req = mock.mock.calls.map(([r]) => r).find((r) => r.method === 'POST');
  return req ? ((await req.clone().json()) as Record<string, unknown>) : null;
};

describe('fund entry form', () => {
  it('an overdraft (409) is said clearly, at the amount and with the balance; nothing is posted again', async () => {
    const mock = stubApi({
      'POST /api/v1/funds/1/entries': () =>
        problem(409, 'Xung đột dữ liệu', 'Quỹ không đủ tiền: số dư 153.329.722 đồng, cần 999.999.999.999 đồng.', { balance_vnd: 153_329_722 }),
    });
    const onPosted = setup();
    await userEvent.click(screen.getByRole('radio', { name: 'Chi' }));
    const amount = screen.getByLabelText('Số tiền (đồng)');
    await userEvent.type(amount, '999999999999');
    await userEvent.tab();
    expect((amount as HTMLInputElement).value).toBe('999.999.999.999');
    expect(screen.getByText('1.000 tỷ đồng')).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Nội dung'), 'Chi học bổng');
    await userEvent.click(screen.getByRole('button', { name: 'Ghi bút toán' }));

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Quỹ không đủ tiền')).toBeTruthy();
    expect(within(alert).getByText(/số dư 153\.329\.722 đồng, cần 999\.999\.999\.999 đồng/)).toBeTruthy();
    expect(within(alert).getByText('Số dư hiện tại của quỹ: 153.329.722 đ.')).toBeTruthy();
    expect(amount.getAttribute('aria-invalid')).toBe('true');
    const described = document.getElementById(amount.getAttribute('aria-describedby')!.split(' ').pop()!);
    expect(described?.textContent).toBe('Vượt quá số dư của quỹ (153.329.722 đ).');
    expect(await posted(mock)).toEqual({
      kind: 'disbursement',
      amount_vnd: 999_999_999_999,
      description: 'Chi học bổng',
      occurred_on: todayIso(),
    });
    expect(onPosted).not.toHaveBeenCalled();
    // The amount stays, to correct it.
    expect((amount as HTMLInputElement).value).toBe('999.999.999.999');
  });

  it('a contribution typed with dots is posted as a number; the form says what was recorded and clears', async () => {
    const mock = stubApi({
      'POST /api/v1/funds/1/entries': () => json({ ...entry(9, 'contribution', 1_500_000), occurred_on: '2024-03-01' }, 201),
    });
    const onPosted = setup();
    expect(screen.getByRole('radio', { name: 'Thu (vận động, đóng góp)' })).toHaveProperty('checked', true);
    await userEvent.type(screen.getByLabelText('Số tiền (đồng)'), '1.500.000');
    const date = screen.getByLabelText('Ngày');
    await userEvent.clear(date);
    await userEvent.type(date, '2024-03-01');
    await userEvent.type(screen.getByLabelText('Nội dung'), 'Vận động đầu năm');
    await userEvent.click(screen.getByRole('button', { name: 'Ghi bút toán' }));
    await screen.findByText('Đã ghi bút toán #9 (Thu (vận động, đóng góp)): +1.500.000 đ.');
    expect(await posted(mock)).toEqual({ kind: 'contribution', amount_vnd: 1_500_000, occurred_on: '2024-03-01', description: 'Vận động đầu năm' });
    expect(onPosted).toHaveBeenCalledTimes(1);
    expect((screen.getByLabelText('Số tiền (đồng)') as HTMLInputElement).value).toBe('');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('checks what it can before sending: an amount, a receiving fund', async () => {
    const mock = stubApi({
      'GET /api/v1/funds': () => json({ items: [FUND, { ...FUND, id: 2, name: 'Quỹ khuyến học Phường Bồ Xuyên', unit_code: '12436' }], next_cursor: null }),
    });
    setup();
    await userEvent.click(screen.getByRole('button', { name: 'Ghi bút toán' }));
    expect(screen.getByText('Hãy nhập số tiền.')).toBeTruthy();
    await userEvent.click(screen.getByRole('radio', { name: 'Chuyển sang quỹ khác' }));
    await userEvent.type(screen.getByLabelText('Số tiền (đồng)'), '0');
    await userEvent.click(screen.getByRole('button', { name: 'Ghi bút toán' }));
    expect(screen.getByText('Số tiền là số nguyên dương, ví dụ 1.500.000.')).toBeTruthy();
    expect(screen.getByText('Hãy chọn quỹ nhận.')).toBeTruthy();
    // The other funds, not this one.
    const target = screen.getByLabelText('Chuyển sang quỹ');
    await screen.findByRole('option', { name: 'Quỹ khuyến học Phường Bồ Xuyên (12436)' });
    expect(within(target).queryByRole('option', { name: /Lê Hồng Phong/ })).toBeNull();
    expect(mock.mock.calls.some(([r]) => r.method === 'POST')).toBe(false);
  });

  it('a reversal names the entry to undo (only those not undone yet) and sends no amount', async () => {
    const mock = stubApi({
      'POST /api/v1/funds/1/entries': () => json(entry(10, 'reversal', 601_708_586, 3), 201),
    });
    setup();
    await userEvent.click(screen.getByRole('radio', { name: 'Đảo bút toán' }));
    expect(screen.queryByLabelText('Số tiền (đồng)')).toBeNull();
    const select = screen.getByLabelText('Bút toán cần đảo');
    const options = within(select).getAllByRole('option').map((o) => o.textContent);
    expect(options).toHaveLength(3); // "— chọn —", #1, #3 (#2 is undone by #4; #4 is a reversal)
    expect(options[1]).toMatch(/^#1 · 01\/03\/2023 · \+153\.329\.722 đ/);
    expect(options[2]).toMatch(/^#3 · 01\/03\/2023 · -601\.708\.586 đ/);
    await userEvent.selectOptions(select, '3');
    await userEvent.click(screen.getByRole('button', { name: 'Ghi bút toán' }));
    await screen.findByText(/Đã ghi bút toán #10/);
    expect(await posted(mock)).toEqual({ kind: 'reversal', reverses_entry_id: 3, description: '', occurred_on: todayIso() });
  });

  it('reversible: contributions and disbursements not reversed yet', () => {
    expect(reversible(ENTRIES).map((e) => e.id)).toEqual([1, 3]);
  });
});
