import { describe, expect, it } from 'vitest';
import { versionFor, type CriteriaVersion, type Registration } from '../../api/recognition';
import { filterParams, readFilters } from './filters';
import { targetFor } from './StatsTab';

const REG = { title: 'cong_dan', target_group: 'nong_dan', year: 2026, status: 'registered', criteria_version: null } as unknown as Registration;
const VERSIONS: CriteriaVersion[] = [
  { title: 'cong_dan', target_group: 'nong_dan', version: 1, year: null, name: 'v1' },
  { title: 'cong_dan', target_group: 'nong_dan', version: 2, year: 2025, name: 'v2' },
  { title: 'cong_dan', target_group: 'nong_dan', version: 3, year: 2027, name: 'v3' },
  { title: 'cong_dan', target_group: 'can_bo', version: 4, year: 2020, name: 'other group' },
];

describe('versionFor: the criteria set a sheet is read on', () => {
  it('a sheet still to score: the newest version published for its year or before', () => {
    expect(versionFor(REG, VERSIONS)).toBe(2);
    expect(versionFor({ ...REG, year: 2024 }, VERSIONS)).toBe(1);
    expect(versionFor({ ...REG, year: 2030 }, VERSIONS)).toBe(3);
  });

  it('a verified or recognised sheet: the version it was scored on', () => {
    expect(versionFor({ ...REG, status: 'recognised', criteria_version: 1 }, VERSIONS)).toBe(1);
  });

  it('a returned sheet is scored again on the current version', () => {
    expect(versionFor({ ...REG, status: 'returned', criteria_version: 1 }, VERSIONS)).toBe(2);
  });
});

describe('recognition filters in the URL', () => {
  it('defaults to the user unit and the given year, and drops what is not valid', () => {
    const f = readFilters(new URLSearchParams('title=nope&status=scored&group=can_bo&village=%20Th%C3%B4n%201%20'), '12994', 2023);
    expect(f).toEqual({ unit: '12994', year: 2023, status: 'scored', village: 'Thôn 1' });
  });

  it('keeps the group only for citizens, and an empty unit= means every unit', () => {
    const f = readFilters(new URLSearchParams('unit=&year=2021&title=cong_dan&group=can_bo'), '12994', 2023);
    expect(f).toEqual({ year: 2021, title: 'cong_dan', target_group: 'can_bo' });
    expect(readFilters(filterParams(f), '12994', 2023)).toEqual(f);
  });
});

describe('targetFor', () => {
  const targets = [
    { year: 2030, variant: '', value: 0.8 },
    { year: 2025, variant: '', value: 0.7 },
    { year: 2025, variant: 'staff', value: 0.9 },
  ];
  it('the first plain target of the year or later', () => {
    expect(targetFor(targets, 2023)?.value).toBe(0.7);
    expect(targetFor(targets, 2026)?.value).toBe(0.8);
    expect(targetFor(targets, 2031)).toBeNull();
  });
});
