import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import type { IndicatorRow } from '../../api/stats';
import '../../i18n';
import { RATE_INDICATORS, type RateIndicator } from '../../lib/indicators';
import { ComplianceTable, groupByUnit, sortUnits } from './ComplianceTable';

const TARGETS: Partial<Record<RateIndicator, number>> = {
  learning_family_rate: 0.7,
  learning_community_rate: 0.65,
};

/** The API's rows for one unit: every rate, with `values` as fractions (null: no figures). */
function rows(code: string, name: string, values: Partial<Record<RateIndicator, number | null>>, counted = 1): IndicatorRow[] {
  return RATE_INDICATORS.map((k) => {
    const v = values[k] ?? null;
    const target = TARGETS[k] ?? null;
    return {
      unit_code: code,
      unit_name: name,
      year: 2023,
      indicator: k,
      label: k,
      kind: 'rate',
      value: v === null ? { numerator: 0, denominator: 0, value: null } : { numerator: Math.round(v * 1000), denominator: 1000, value: v },
      target,
      meets_target: target === null || v === null ? null : v >= target,
      gap: target === null || v === null ? null : (v - target) * 100,
      change_vs_previous_year: null,
      coverage: { counted, expected: 1, reports: counted },
      computed_from: [code],
    };
  });
}

const ITEMS = [
  ...rows('336', 'Thành phố Thái Bình', { learning_family_rate: 0.645, learning_community_rate: 0.755 }),
  ...rows('338', 'Huyện Quỳnh Phụ', { learning_family_rate: 0.72, learning_community_rate: 0.6 }),
  ...rows('339', 'Huyện Hưng Hà', { learning_family_rate: null }, 0),
  ...rows('344', 'Huyện Vũ Thư', { learning_family_rate: 0.658, learning_community_rate: 0.751 }),
];

function renderTable(onOpen = vi.fn()) {
  const units = groupByUnit(ITEMS);
  render(
    <MemoryRouter>
      <ComplianceTable
        units={units}
        caption="Các tỷ lệ"
        hrefFor={(u) => `/tuan-thu?unit=${u.code}`}
        onOpen={onOpen}
      />
    </MemoryRouter>,
  );
  return { onOpen };
}

function unitNames(): string[] {
  const body = screen.getAllByRole('rowgroup')[1]!;
  return within(body)
    .getAllByRole('row')
    .map((r) => within(r).getByRole('rowheader').querySelector('a')!.textContent!);
}

function familyCell(name: string): HTMLElement {
  const row = screen.getByRole('link', { name }).closest('tr')!;
  const cells = within(row).getAllByRole('cell');
  // cells: coverage, then the rates in RATE_INDICATORS order.
  return cells[1 + RATE_INDICATORS.indexOf('learning_family_rate')]!;
}

describe('ComplianceTable', () => {
  it('groups the API rows into one row per unit, in the API order', () => {
    const units = groupByUnit(ITEMS);
    expect(units.map((u) => u.code)).toEqual(['336', '338', '339', '344']);
    expect(Object.keys(units[0]!.rates)).toHaveLength(RATE_INDICATORS.length);
  });

  it('colours each rate by meets_target and says so in words', () => {
    renderTable();
    const behind = familyCell('Thành phố Thái Bình');
    expect(behind.textContent).toContain('64,5%');
    expect(behind.className).toContain('rate-behind');
    expect(behind.textContent).toContain('chưa đạt chỉ tiêu 70,0%');

    const met = familyCell('Huyện Quỳnh Phụ');
    expect(met.className).toContain('rate-met');
    expect(met.textContent).toContain('72,0%');
    expect(met.textContent).toContain('đạt chỉ tiêu 70,0%');

    const none = familyCell('Huyện Hưng Hà');
    expect(none.className).toContain('rate-none');
    expect(none.textContent).toBe('—');

    // A rate without a target is neither green nor red.
    const row = screen.getByRole('link', { name: 'Huyện Quỳnh Phụ' }).closest('tr')!;
    const membership = within(row).getAllByRole('cell')[1 + RATE_INDICATORS.indexOf('membership_rate')]!;
    expect(membership.className).toContain('rate-none');
  });

  it('sorts by a rate column, highest first, then lowest first; units without figures stay last', async () => {
    renderTable();
    const header = screen.getByRole('columnheader', { name: /Gia đình HT/ });
    expect(header.getAttribute('aria-sort')).toBe('none');
    await userEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    expect(unitNames()).toEqual(['Huyện Quỳnh Phụ', 'Huyện Vũ Thư', 'Thành phố Thái Bình', 'Huyện Hưng Hà']);
    await userEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    expect(unitNames()).toEqual(['Thành phố Thái Bình', 'Huyện Vũ Thư', 'Huyện Quỳnh Phụ', 'Huyện Hưng Hà']);
  });

  it('sorts by name the Vietnamese way and by coverage', async () => {
    renderTable();
    await userEvent.click(within(screen.getByRole('columnheader', { name: 'Đơn vị' })).getByRole('button'));
    expect(unitNames()).toEqual(['Huyện Hưng Hà', 'Huyện Quỳnh Phụ', 'Huyện Vũ Thư', 'Thành phố Thái Bình']);
    const sorted = sortUnits(groupByUnit(ITEMS), { key: 'coverage', dir: 'asc' });
    // 0/1 first, then the complete ones by name.
    expect(sorted.map((u) => u.code)).toEqual(['339', '338', '344', '336']);
  });

  it('opens a unit by clicking its row, or with its link from the keyboard', async () => {
    const { onOpen } = renderTable();
    const row = screen.getByRole('link', { name: 'Huyện Vũ Thư' }).closest('tr')!;
    await userEvent.click(within(row).getAllByRole('cell')[2]!);
    expect(onOpen).toHaveBeenCalledWith(expect.objectContaining({ code: '344' }));
    const link = screen.getByRole('link', { name: 'Huyện Vũ Thư' });
    expect(link.getAttribute('href')).toBe('/tuan-thu?unit=344');
  });
});
