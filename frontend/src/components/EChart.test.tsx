import { render, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { EChart } from './EChart';

describe('EChart', () => {
  it('draws an SVG chart with a label, and disposes on unmount', async () => {
    // jsdom has no canvas (ECharts measures text with one) and no layout: give it a size.
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(320);
    const { container, unmount, getByRole } = render(
      <EChart
        label="Số hội viên theo năm"
        option={{
          xAxis: { type: 'category', data: ['2022', '2023'] },
          yAxis: { type: 'value' },
          series: [{ type: 'bar', data: [650000, 662525] }],
        }}
      />,
    );
    expect(getByRole('img', { name: 'Số hội viên theo năm' })).toBeTruthy();
    // ECharts is loaded on demand (EChart.tsx): its import takes a while in jsdom.
    await waitFor(() => expect(container.querySelector('svg')).not.toBeNull(), { timeout: 10_000 });
    expect(container.querySelectorAll('svg path').length).toBeGreaterThan(0);
    unmount();
    expect(container.querySelector('svg')).toBeNull();
  });
});
