import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Pages and ECharts are loaded on demand (App.tsx, components/EChart.tsx): their first import in
// jsdom takes seconds on a busy machine, longer than the library's default wait of 1 s.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
});
