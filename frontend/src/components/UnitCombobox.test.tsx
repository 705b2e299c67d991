import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../i18n';
import type { Unit } from '../api/units';
import { json, stubApi } from '../test/render';
import { UnitCombobox, validityText } from './UnitCombobox';

afterEach(() => vi.unstubAllGlobals());

function ward(code: string, district: string, province: string): Unit {
  return {
    code,
    name: 'Phường Lê Hồng Phong',
    level: 'commune',
    division_type: 'phường',
    parent_code: '336',
    parent_names: [district, province],
    valid_from: null,
    valid_to: '2025-06-30',
    successor_codes: [],
    predecessor_codes: [],
  };
}

const WARDS = [ward('12433', 'Thành phố Thái Bình', 'Tỉnh Thái Bình'), ward('07933', 'Thành phố Phủ Lý', 'Tỉnh Hà Nam')];

function Harness({ onChange }: { onChange: (code: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <UnitCombobox
      id="u"
      label="Đơn vị"
      value={value}
      onChange={(c) => {
        setValue(c);
        onChange(c);
      }}
    />
  );
}

function setup() {
  const fetch = stubApi({
    'GET /api/v1/units': (req) => {
      const asOf = new URL(req.url).searchParams.get('as_of');
      return json({ items: asOf === '2024-12-31' ? WARDS : [], next_cursor: null });
    },
    'GET /api/v1/units/12433': () => json(WARDS[0]),
  });
  const onChange = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <Harness onChange={onChange} />
    </QueryClientProvider>,
  );
  return { fetch, onChange };
}

describe('UnitCombobox (issue 19 item 3: one unit picker, by name)', () => {
  it('searches by name without diacritics and tells same-named units apart by their parents and dates', async () => {
    const { fetch } = setup();
    const box = screen.getByRole('combobox', { name: 'Đơn vị' });
    await userEvent.type(box, 'le hong phong');
    const options = await screen.findAllByRole('option');
    expect(options).toHaveLength(2);
    expect(options[0]?.textContent).toContain('Thành phố Thái Bình · Tỉnh Thái Bình');
    expect(options[1]?.textContent).toContain('Thành phố Phủ Lý · Tỉnh Hà Nam');
    expect(options[0]?.textContent).toContain('30/06/2025');
    const asked = fetch.mock.calls.map(([r]) => new URL(r.url).searchParams.get('q'));
    expect(asked).toContain('le hong phong');
  });

  it('is operated from the keyboard: arrows move aria-activedescendant, Enter chooses, the name is shown', async () => {
    const { onChange } = setup();
    const box = screen.getByRole('combobox');
    await userEvent.type(box, 'le hong');
    await screen.findAllByRole('option');
    expect(box?.getAttribute('aria-expanded')).toBe('true');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    const active = box.getAttribute('aria-activedescendant');
    expect(active).toBeTruthy();
    expect(document.getElementById(active ?? '')?.textContent).toContain('Tỉnh Hà Nam');
    expect(document.getElementById(active ?? '')?.getAttribute('aria-selected')).toBe('true');
    await userEvent.keyboard('{ArrowUp}{Enter}');
    expect(onChange).toHaveBeenLastCalledWith('12433');
    expect(screen.queryAllByRole('option')).toHaveLength(0);
    await waitFor(() => expect((box as HTMLInputElement).value).toBe('Phường Lê Hồng Phong'));
  });

  it('Escape closes the list without choosing', async () => {
    const { onChange } = setup();
    const box = screen.getByRole('combobox');
    await userEvent.type(box, 'le hong');
    await screen.findAllByRole('option');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryAllByRole('option')).toHaveLength(0);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('says when nothing matches', async () => {
    stubApi({ 'GET /api/v1/units': () => json({ items: [], next_cursor: null }) });
    const client = new QueryClient();
    render(
      <QueryClientProvider client={client}>
        <Harness onChange={() => undefined} />
      </QueryClientProvider>,
    );
    await userEvent.type(screen.getByRole('combobox'), 'khong co');
    expect((await screen.findByText('Không có đơn vị nào khớp.')).textContent).toBe('Không có đơn vị nào khớp.');
  });

  it('words validity dates', () => {
    expect(validityText({ valid_from: null, valid_to: '2025-06-30' })).toBe('… – 30/06/2025');
    expect(validityText({ valid_from: '2025-07-01', valid_to: null })).toBe('từ 01/07/2025');
    expect(validityText({ valid_from: null, valid_to: null })).toBe('đang hoạt động');
  });
});
