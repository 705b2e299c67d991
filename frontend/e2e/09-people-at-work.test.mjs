// Issue 19, as people at work meet the dashboard: focus never hidden under the sticky bars (item 5),
// and the smaller findings of item 9. Each test names the finding it covers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, DESKTOP, launch, PHONE, signInAs } from './helpers.mjs';

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** What covers the focused element, if anything: the sticky top bar or the form's sticky save bar. */
function focusCovered() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const bars = [...document.querySelectorAll('.topbar, .form-actions')].filter((b) => !b.contains(el));
  for (const bar of bars) {
    const style = getComputedStyle(bar);
    if (style.position !== 'sticky' && style.position !== 'fixed') continue;
    const b = bar.getBoundingClientRect();
    const overlap = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
    if (overlap > 1) return `${el.id || el.name || el.textContent?.slice(0, 30)} under .${bar.className} (${overlap}px)`;
  }
  if (r.bottom > window.innerHeight + 1 || r.top < -1) return `${el.id || el.name} outside the viewport`;
  return null;
}

for (const [size, viewport] of [
  ['1366×768', { width: 1366, height: 768 }],
  ['390×844', PHONE],
]) {
  test(`item 5, at ${size}: tabbing through the report form never hides the focused field under a sticky bar`, async () => {
    const page = await signInAs(env, 'admin', { allow: [/status of 404/] });
    await page.setViewportSize(viewport);
    // A commune no other test reports for: the national admin may enter it, every field editable.
    await page.goto('bao-cao/12445/2024');
    const first = page.locator('form input.num-input').first();
    await first.waitFor();
    const fields = await page.locator('form input.num-input').count();
    assert.ok(fields >= 25, `${fields} fields`);
    await first.focus();
    const covered = [];
    for (let i = 0; i < fields + 4; i++) {
      await page.keyboard.press('Tab');
      const problem = await page.evaluate(focusCovered);
      if (problem) covered.push(problem);
    }
    // Backwards too: the top bar is the one in the way then.
    for (let i = 0; i < fields; i++) {
      await page.keyboard.press('Shift+Tab');
      const problem = await page.evaluate(focusCovered);
      if (problem) covered.push(problem);
    }
    assert.deepEqual(covered, []);
    assertNoPageErrors(page);
    await page.context().close();
  });
}

test('item 9: the "Quản trị" menu is shown only to accounts with administration rights', async () => {
  const viewer = await signInAs(env, 'xem.thaibinh');
  const nav = viewer.getByRole('navigation', { name: 'Điều hướng chính' });
  await nav.getByRole('link', { name: 'Tổng quan' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Quản trị' }).count(), 0);
  assertNoPageErrors(viewer);
  await viewer.context().close();

  const admin = await signInAs(env, 'admin');
  await admin.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Quản trị' }).waitFor();
  await admin.context().close();
});

test('item 9: the side menu keeps the chosen unit and year between the overview and compliance', async () => {
  const page = await signInAs(env, 'admin');
  await page.setViewportSize(DESKTOP);
  await page.goto('?unit=34&map=old&year=2022');
  await page.getByRole('heading', { level: 2, name: 'Tỉnh Thái Bình · 2022' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
  await nav.getByRole('link', { name: 'Tuân thủ chỉ tiêu' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tuân thủ chỉ tiêu' }).waitFor();
  assert.match(page.url(), /\/tuan-thu\?unit=34&map=old&year=2022$/);
  await nav.getByRole('link', { name: 'Báo cáo' }).click();
  await page.waitForURL(/\/bao-cao\?year=2022$/);
  await nav.getByRole('link', { name: 'Tổng quan' }).click();
  await page.waitForURL((u) => u.pathname === '/' && u.searchParams.get('year') === '2022');
  await page.getByRole('heading', { level: 2, name: /· 2022$/ }).waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});

test('item 9: English mode says "1 report" and "points", not "1 reports" and "điểm"', async () => {
  const page = await signInAs(env, 'admin');
  // One commune of Thái Bình: its own report is the only one counted.
  await page.goto('?unit=12433&map=old&year=2023');
  await page.locator('[data-testid="coverage"]').waitFor();
  await page.getByRole('button', { name: 'EN' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  const summary = await page.locator('.summary-facts').innerText();
  assert.match(summary, /\(1 report\)/);
  const body = await page.locator('main').innerText();
  assert.doesNotMatch(body, /điểm/);
  assert.match(body, /points/);
  await page.getByRole('button', { name: 'VI' }).click();
  assertNoPageErrors(page);
  await page.context().close();
});

test('item 9: a viewer is offered to open a report, not to "open or enter" one', async () => {
  const page = await signInAs(env, 'xem.thaibinh');
  await page.goto('bao-cao');
  await page.getByRole('heading', { level: 2, name: 'Xem báo cáo của một đơn vị' }).waitFor();
  assert.equal(await page.getByText('Mở hoặc nhập báo cáo').count(), 0);
  assertNoPageErrors(page);
  await page.context().close();
});

test('item 9: /bao-cao/12433/abcd says "not found" without asking the API for year 0', async () => {
  const page = await signInAs(env, 'xa.lehongphong');
  const asked = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/api/v1/reports') || path.startsWith('/api/v1/units')) asked.push(path);
  });
  await page.goto('bao-cao/12433/abcd');
  await page.getByRole('heading', { level: 1, name: 'Không tìm thấy trang này.' }).waitFor();
  await page.waitForLoadState('networkidle');
  assert.deepEqual(asked.filter((p) => /\/0(\/|$)/.test(p) || p.startsWith('/api/v1/reports/')), []);
  assertNoPageErrors(page);
  await page.context().close();
});

test('item 9: Escape on the API key dialog asks before the once-shown secret is lost', async () => {
  const page = await signInAs(env, 'admin');
  await page.goto('quan-tri/khoa-api');
  await page.getByRole('button', { name: '+ Tạo khoá API' }).click();
  const form = page.getByRole('form', { name: 'Tạo khoá API' });
  await form.getByLabel('Tên (hệ thống hoặc kịch bản dùng khoá)').fill(`E2E Escape ${Date.now()}`);
  await form.getByLabel('Vai trò').selectOption('viewer');
  await form.getByLabel('Mã đơn vị').fill('34');
  await form.getByText('Tỉnh Thái Bình · bản đồ trước 01/07/2025').waitFor();
  await form.getByRole('button', { name: 'Tạo khoá', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Khoá API mới' });
  await dialog.waitFor();
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  assert.match(asked, /chỉ hiện một lần/);
  assert.ok(await dialog.isVisible(), 'the dialog closed although the user said no');
  page.once('dialog', (d) => void d.accept());
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assertNoPageErrors(page);
  await page.context().close();
});

test('item 4: the overview explains a withheld change with both years\' coverage, and names what it sums', async () => {
  const page = await signInAs(env, 'admin');
  await page.goto('?unit=VN&year=2023');
  const members = page.getByRole('listitem', { name: 'Số hội viên', exact: true });
  await members.waitFor();
  // Demo data: 242 communes reported for 2022, 866 for 2023: the change is withheld, and now says why.
  await members.getByText(/Không so với năm 2022: số xã có báo cáo khác nhau \(2022: 242\/10\.051, năm nay: 866\/10\.051\)/).waitFor();
  assert.equal(await page.getByText('Năm 2022 chưa có số liệu').count(), 0);
  const from = await page.locator('.computed-from').innerText();
  assert.match(from, /Tính từ số liệu của 63 đơn vị/);
  assert.doesNotMatch(from, /\b01, 02\b/);

  await page.goto('tuan-thu?unit=34&map=old&year=2023');
  await page.getByText(/Cột «Số liệu»: số xã có báo cáo năm đã duyệt \/ số xã phải báo cáo/).waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});

test('item 4: the units list names the unit each one belongs to ("Trực thuộc")', async () => {
  const page = await signInAs(env, 'admin');
  await page.setViewportSize(DESKTOP);
  await page.goto('don-vi?map=old&parent=336&level=all');
  const row = page.getByRole('row').filter({ hasText: 'Phường Lê Hồng Phong' });
  await row.getByText('Thành phố Thái Bình').waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});
