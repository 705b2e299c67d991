// Issue 16, the dashboard: the demo commune that keeps recognition records (Xã Tây Ninh, 12994, Thái
// Bình on the old map, 2023) scores a household on a phone — the running total and the pass rule live,
// evidence for an index, the unsaved-changes guard — then its district (Huyện Tiền Hải, 342) verifies
// the sheet in "Chờ thẩm định", records a decision recognising it and downloads the decision's list,
// and the figures derived from the records count one more learning family. axe-core on each screen.
// The demo has no account of that commune or district: the admin creates them here (editors scoped
// on the old map, as the demo's other pre-2025 accounts are).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { apiAs, assertNoPageErrors, DESKTOP, launch, newPage, PHONE, screenshots, signIn, viewportShot } from './helpers.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const shot = screenshots('recognition');
const COMMUNE = '12994';
const DISTRICT = '342';
const YEAR = 2023;
const OLD_MAP = '2024-12-31';
const RUN = Math.random().toString(36).slice(2, 10);
const PASSWORD = `recognition-e2e-${RUN}`;
const SCORER = `xa.tayninh.${RUN}`;
const VERIFIER = `huyen.tienhai.${RUN}`;
const FIGURES = `/api/v1/recognition/figures?unit=${COMMUNE}&year=${YEAR}`;
const LIST = `cong-nhan/dang-ky?unit=${COMMUNE}&year=${YEAR}&title=gia_dinh&status=registered`;
// A 1×1 PNG: the evidence photo.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let browser;
let registrant; // { id, name }
let before_;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function axe(page, name) {
  await page.evaluate(AXE);
  await page.waitForLoadState('networkidle');
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
  assert.deepEqual(found, [], `axe on ${name}`);
}

async function signInAsNew(username, viewport) {
  const context = await browser.newContext();
  const page = await newPage(context);
  await page.setViewportSize(viewport);
  await signIn(page, { username, password: PASSWORD });
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  return page;
}

async function noSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
}

test('admin: accounts of the demo commune and its district', async () => {
  const context = await browser.newContext();
  const page = await newPage(context);
  await signIn(page);
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  for (const [username, unit, name] of [
    [SCORER, COMMUNE, 'Hội Khuyến học xã Tây Ninh (e2e)'],
    [VERIFIER, DISTRICT, 'Hội Khuyến học huyện Tiền Hải (e2e)'],
  ]) {
    const r = await apiAs(page, '/api/v1/users', {
      method: 'POST',
      body: { username, password: PASSWORD, display_name: name, role: 'editor', unit_code: unit, unit_as_of: OLD_MAP },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  await context.close();
});

test('commune volunteer on a phone: one household per screen, the total and the rule live, evidence, save', async () => {
  const page = await signInAsNew(SCORER, PHONE);
  before_ = (await apiAs(page, FIGURES)).body.figures;
  const rule = (await apiAs(page, '/api/v1/recognition/criteria/gia_dinh/1')).body.content;
  const indices = rule.criteria.flatMap((c) => c.indices);

  // The menu leads to the section; the list is filtered in the URL.
  await page.getByRole('button', { name: /Trình đơn/ }).click();
  await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Công nhận' }).click();
  await page.getByRole('heading', { level: 1, name: 'Công nhận danh hiệu học tập' }).waitFor();
  await page.goto(LIST);
  const first = page.locator('table.recog-table tbody tr').first();
  await first.waitFor();
  assert.match(await page.locator('#recog-f-unit').inputValue(), /Tây Ninh/, 'the unit is shown by name');
  await noSidewaysScroll(page);
  await axe(page, 'list (phone)');
  await shot(page, 'list-phone');

  registrant = { name: (await first.locator('.row-title').textContent()).trim() };
  await first.getByRole('link', { name: `Chấm điểm: ${registrant.name}` }).click();
  await page.getByRole('heading', { level: 1, name: registrant.name }).waitFor();
  registrant.id = Number(new URL(page.url()).pathname.split('/').pop());
  await page.getByText(`Chuẩn công nhận: từ ${rule.pass_rule.min_total} điểm trở lên`).waitFor();
  await page.getByRole('link', { name: /Người sau/ }).waitFor();

  const total = page.getByTestId('recog-total');
  const verdict = page.getByTestId('recog-verdict');
  const bar = page.locator('.recog-totalbar');
  // Every index at its maximum, the first one under the floor: the total counts, the rule says no.
  let sum = 0;
  for (const [i, ix] of indices.entries()) {
    const box = page.getByLabel(new RegExp(`^${ix.code.replace('.', '\\.')} `));
    const points = i === 0 ? rule.pass_rule.min_per_index - 1 : ix.max_points;
    await box.focus();
    await box.fill(String(points));
    sum += points;
    // The focused box is never under the sticky total bar (WCAG 2.4.11).
    const [boxRect, barRect] = await Promise.all([box.boundingBox(), bar.boundingBox()]);
    assert.ok(boxRect.y + boxRect.height <= barRect.y + 1, `index ${ix.code} is hidden under the total bar`);
  }
  assert.equal(await total.textContent(), String(sum));
  assert.match(await verdict.textContent(), /^Chưa đạt chuẩn/);
  assert.match(await verdict.textContent(), new RegExp(`dưới ${rule.pass_rule.min_per_index} điểm: ${indices[0].code}`));
  await viewportShot(page, 'recognition-sheet-viewport-phone.png');
  await shot(page, 'sheet-below-floor-phone');

  // The floor met: it passes.
  await page.getByLabel(new RegExp(`^${indices[0].code.replace('.', '\\.')} `)).fill(String(indices[0].max_points));
  sum += indices[0].max_points - (rule.pass_rule.min_per_index - 1);
  assert.equal(await total.textContent(), String(sum));
  assert.equal(await verdict.textContent(), 'Đạt chuẩn');

  // A reload (a phone's tab dropped) brings the unsaved points back from this device.
  await page.reload();
  await page.getByText('Đã khôi phục điểm bạn nhập trước đó mà chưa lưu').waitFor();
  assert.equal(await total.textContent(), String(sum));

  // Leaving with unsaved points asks first; staying keeps them.
  page.once('dialog', (d) => void d.dismiss());
  await page.getByRole('link', { name: /Về danh sách/ }).click();
  assert.equal(await total.textContent(), String(sum));
  assert.match(page.url(), new RegExp(`/cong-nhan/phieu/${registrant.id}`));

  // Evidence for the first index (a photo).
  await page.getByLabel(`Thêm ảnh/tệp — Thêm minh chứng cho chỉ số ${indices[0].code}`).setInputFiles({
    name: 'so-sach.png',
    mimeType: 'image/png',
    buffer: PNG,
  });
  await page.getByText('Đã thêm minh chứng so-sach.png.').waitFor();
  await page.getByRole('button', { name: 'Tải so-sach.png' }).waitFor();
  await axe(page, 'sheet (phone)');

  await page.getByRole('button', { name: 'Lưu phiếu' }).click();
  await page.getByRole('status').filter({ hasText: `Đã lưu phiếu. Tổng ${sum} điểm — Đạt chuẩn.` }).waitFor();
  await noSidewaysScroll(page);
  await shot(page, 'sheet-saved-phone');
  const saved = (await apiAs(page, `/api/v1/recognition/registrations/${registrant.id}`)).body;
  assert.equal(saved.status, 'scored');
  assert.equal(saved.total, sum);
  assert.equal(saved.passed, true);
  const evidence = (await apiAs(page, `/api/v1/recognition/registrations/${registrant.id}/evidence`)).body;
  assert.deepEqual(evidence.map((e) => e.index_code), [indices[0].code]);

  // The next registrant, one tap away (nothing unsaved now: no question).
  await page.getByRole('link', { name: /Người sau/ }).click();
  await page.waitForURL((u) => !u.pathname.endsWith(`/${registrant.id}`));
  await page.locator('.recog-points').first().waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});

test('district: verifies the sheet in "Chờ thẩm định", records the decision, downloads its list; the figures follow', async () => {
  const page = await signInAsNew(VERIFIER, DESKTOP);
  const query = `unit=${COMMUNE}&year=${YEAR}&title=gia_dinh`;
  await page.goto(`cong-nhan/tham-dinh?${query}`);
  const card = page.locator('.recog-card').filter({ hasText: registrant.name });
  await card.waitFor();
  await axe(page, 'inbox (desktop)');
  await shot(page, 'inbox-desktop');
  await page.setViewportSize(PHONE);
  await noSidewaysScroll(page);
  await axe(page, 'inbox (phone)');
  await shot(page, 'inbox-phone');
  await page.setViewportSize(DESKTOP);

  // The sheet, read by the level above at 1366×768: the same screen, wider.
  await page.setViewportSize({ width: 1366, height: 768 });
  await card.getByRole('link', { name: registrant.name }).click();
  await page.getByRole('heading', { level: 1, name: registrant.name }).waitFor();
  await page.locator('.recog-points').first().waitFor();
  // The district verifies; it does not score (the API refuses it): the boxes are read only.
  await page.getByText('Phiếu do xã hoặc thôn nơi đăng ký chấm; cấp trên xem và thẩm định.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Lưu phiếu' }).count(), 0);
  assert.equal(await page.locator('.recog-points').first().getAttribute('readonly'), '');
  await noSidewaysScroll(page);
  await shot(page, 'sheet-desktop');
  await page.goBack();
  await card.waitFor();
  await page.setViewportSize(DESKTOP);

  // Returning asks a reason first.
  await card.getByRole('button', { name: `Trả lại phiếu của ${registrant.name}` }).click();
  await card.getByRole('button', { name: 'Trả lại phiếu' }).click();
  await card.getByText('Hãy nêu lý do trả lại.').waitFor();
  await card.getByRole('button', { name: 'Huỷ' }).click();

  await card.getByRole('button', { name: `Thẩm định phiếu của ${registrant.name}` }).click();
  await page.getByRole('status').filter({ hasText: `Đã thẩm định phiếu của ${registrant.name}.` }).waitFor();
  await card.waitFor({ state: 'detached' });
  assert.equal((await apiAs(page, `/api/v1/recognition/registrations/${registrant.id}`)).body.status, 'verified');

  // The decision: the verified household that passes is picked; those that fell short cannot be.
  await page.getByRole('tab', { name: 'Ra quyết định' }).click();
  const pick = page.getByRole('checkbox', { name: new RegExp(`^${registrant.name} `) });
  await pick.waitFor();
  assert.equal(await pick.isChecked(), true);
  await page.getByText('Đã chọn 1 đăng ký.').waitFor();
  await page.getByLabel(/^Cơ quan quyết định/).fill('UBND huyện Tiền Hải');
  const number = `${registrant.id}/QĐ-UBND`;
  await page.getByLabel(/^Số quyết định/).fill(number);
  assert.equal(await page.getByLabel(/^Ngày quyết định/).inputValue(), `${YEAR}-12-31`);
  await axe(page, 'decision (desktop)');
  await page.getByRole('button', { name: 'Ghi quyết định và công nhận' }).click();
  await page.getByRole('status').filter({ hasText: `Đã ghi quyết định ${number}: công nhận 1 đăng ký.` }).waitFor();
  assert.equal((await apiAs(page, `/api/v1/recognition/registrations/${registrant.id}`)).body.status, 'recognised');

  const decision = page.locator('.recog-decisions .recog-card').filter({ hasText: number });
  await decision.waitFor();
  await shot(page, 'decision-desktop');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    decision.getByRole('button', { name: 'Tải danh sách (CSV, mở bằng Excel)' }).click(),
  ]);
  assert.match(download.suggestedFilename(), new RegExp(`^danh-sach-cong-nhan-${registrant.id}-Q`));
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.includes(registrant.name), 'the list names the household');
  assert.equal(csv.trim().split('\n').length, 2, 'a header and the one household');

  // The figures derived from the records: one more learning family, on the next request.
  const after_ = (await apiAs(page, FIGURES)).body.figures;
  assert.equal(after_.learning_families, before_.learning_families + 1);
  assert.equal(after_.families_registered, before_.families_registered);

  // The statistics: rates beside the targets, and the points per index.
  await page.getByRole('tab', { name: 'Thống kê' }).click();
  await page.getByRole('table', { name: /Số đăng ký, đã chấm, được công nhận/ }).waitFor();
  await page.getByRole('rowheader', { name: 'Gia đình học tập' }).waitFor();
  await page.getByRole('img', { name: /Điểm trung bình/ }).waitFor();
  await axe(page, 'stats (desktop)');
  await shot(page, 'stats-desktop');
  await page.setViewportSize(PHONE);
  await noSidewaysScroll(page);
  await shot(page, 'stats-phone');
  assertNoPageErrors(page);
  await page.context().close();
});
