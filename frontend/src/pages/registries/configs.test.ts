import { describe, expect, it } from 'vitest';
import en from '../../i18n/en';
import vi from '../../i18n/vi';
import { AUDIT_ENTITIES } from '../admin/AuditSection';
import { ROLE_SCOPES } from '../../api/admin';
import { REGISTRY_TABS } from './RegistriesPage';
import { ENUMS } from './types';

/** The keys the registry pages build at run time (field names, enum values) exist in both languages. */
function has(messages: unknown, key: string): boolean {
  let node: unknown = messages;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string';
}

function keys(): string[] {
  const out = new Set<string>();
  for (const c of REGISTRY_TABS) {
    for (const k of ['tabs', 'intros', 'add', 'caption']) out.add(`registries.${k}.${c.kind}`);
    out.add(`registries.form.newTitle.${c.kind}`);
    for (const f of c.fields) {
      out.add(`registries.f.${f.name}`);
      if (f.hint) out.add(`registries.hint.${f.name}`);
    }
    for (const f of c.filters) out.add(`registries.f.${f.name}`);
    for (const col of c.columns) out.add(col.header);
  }
  for (const [name, values] of Object.entries(ENUMS)) for (const v of values) out.add(`registries.enum.${name}.${v}`);
  for (const k of ['contribution', 'disbursement', 'transfer', 'reversal', 'transfer_in', 'transfer_out']) out.add(`funds.kinds.${k}`);
  for (const e of AUDIT_ENTITIES) out.add(`admin.audit.entities.${e}`);
  for (const s of ROLE_SCOPES.admin) out.add(`admin.scope.${s.replace(':', '_')}`);
  for (const p of ['reading', 'checking', 'writing', 'done']) out.add(`awardImport.phase.${p}`);
  return [...out];
}

describe('registry labels', () => {
  it('every key built at run time is in vi.ts and en.ts', () => {
    const all = keys();
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((k) => !has(vi, k))).toEqual([]);
    expect(all.filter((k) => !has(en, k))).toEqual([]);
  });

});
