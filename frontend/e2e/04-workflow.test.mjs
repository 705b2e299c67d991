// The annual report workflow across three accounts: the commune editor enters Phường Lê Hồng
// Phong's (12433) 2024 report and submits it, the district editor approves it, and the province's
// statistics for 2024 then show that commune's figures.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, launch, PHONE, screenshots, signInAs, viewportShot } from './helpers.mjs';

const shot = screenshots('workflow');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// A plausible complete report: every numerator ≤ its denominator, recognised ≤ registered.
const FIGURES = [
  ['Dân số', '6.820'],
  ['Số hộ gia đình', '2.075'],
  ['Số hội viên', '2.251'],
  ['Số chi hội', '9'],
  ['Số ban khuyến học', '23'],
  ['Công dân thuộc diện đánh giá', '4.700'],
  ['Công dân đăng ký', '1.400'],
  ['Công dân học tập được công nhận', '1.180'],
  ['Gia đình thuộc diện đánh giá', '2.075'],
  ['Gia đình đăng ký', '1.450'],
  ['Gia đình học tập được công nhận', '1.320'],
  ['Số dòng họ', '31'],
  ['Dòng họ đăng ký', '23'],
  ['Dòng họ học tập được công nhận', '19'],
  ['Số thôn, tổ dân phố', '7'],
  ['Cộng đồng đăng ký', '6'],
  ['Cộng đồng học tập (thôn, tổ dân phố) được công nhận', '5'],
  ['Đơn vị thuộc diện đánh giá', '10'],
  ['Đơn vị đăng ký', '9'],
  ['Đơn vị học tập được công nhận', '8'],
  ['Số xã được đánh giá', '1'],
  ['Xã đạt cộng đồng học tập cấp xã', '1'],
  ['Quỹ khuyến học vận động trong năm (đồng)', '620.000.000'],
  ['Số dư quỹ cuối năm (đồng)', '160.000.000'],
  ['Số suất khen thưởng, học bổng', '850'],
  ['Tổng giá trị khen thưởng, học bổng (đồng)', '450.000.000'],
  ['Cờ thi đua', '0'],
  ['Kỷ niệm chương', '1'],
  ['Bằng khen', '1'],
  ['Số cuộc kiểm tra', '1'],
];

/** GET a report as the signed-in user of the page (its token is in sessionStorage). */
function apiStatus(page, path) {
  return page.evaluate(async (p) => {
    const { token } = JSON.parse(sessionStorage.getItem('kh.session'));
    const r = await fetch(p, { headers: { Authorization: `Bearer ${token}` } });
    return r.status;
  }, path);
}

const REPORT = '/api/v1/reports/12433/2024';

test('commune editor: an invalid entry is refused inline and saves nothing; a conflict is explained; the report is submitted', async () => {
  // 404: the report does not exist yet; 422: the invalid entry; 412: the conflict, on purpose.
  const page = await signInAs(browser, 'xa.lehongphong', { allow: [/status of 404/, /status of 422/, /status of 412/] });
  await page.getByRole('navigation').getByRole('link', { name: 'Báo cáo' }).click();
  await page.getByRole('heading', { level: 1, name: 'Báo cáo' }).waitFor();
  // Only the commune's own reports (2022 and 2023, approved).
  await page.getByText('Trang 1 · 2 báo cáo').waitFor();
  await shot(page, 'reports-list-commune');

  // The unit picker shows the user's own unit by its name (issue 19 item 3).
  assert.equal(await page.getByLabel('Mã đơn vị', { exact: true }).inputValue(), 'Phường Lê Hồng Phong');
  await page.getByLabel('Năm báo cáo').selectOption('2024');
  await page.getByRole('button', { name: 'Mở báo cáo' }).click();
  await page.waitForURL(/\/bao-cao\/12433\/2024$/);
  await page.getByRole('heading', { level: 1, name: 'Báo cáo năm 2024 · Phường Lê Hồng Phong' }).waitFor();
  await page.getByText('Đơn vị chưa có báo cáo năm 2024.').waitFor();

  // Invalid: more members than people. The API's error shows at the field; nothing is stored.
  await page.getByLabel('Dân số', { exact: true }).fill('6820');
  await page.getByLabel('Số hội viên', { exact: true }).fill('9999');
  await page.getByRole('button', { name: 'Lưu nháp' }).click();
  const alert = page.getByRole('alert');
  await alert.getByText('Chưa lưu được báo cáo').waitFor();
  await alert.getByRole('link', { name: /^Số hội viên: Không được lớn hơn dân số/ }).waitFor();
  const members = page.getByLabel('Số hội viên', { exact: true });
  assert.equal(await members.getAttribute('aria-invalid'), 'true');
  const errorText = await page.locator(`#${await members.getAttribute('aria-describedby')}`).innerText();
  assert.match(errorText, /Không được lớn hơn dân số/);
  assert.equal(await page.getByLabel('Dân số', { exact: true }).getAttribute('aria-invalid'), null);
  assert.equal(await apiStatus(page, REPORT), 404, 'nothing was saved');
  await shot(page, 'report-invalid-members');
  await viewportShot(page, 'readme-report-form.png');

  // The link in the summary takes the keyboard to the field.
  await alert.getByRole('link', { name: /^Số hội viên/ }).click();
  await page.waitForURL(/#f-members$/);

  // Complete figures, saved as a draft; numbers read with dots.
  for (const [label, value] of FIGURES) await page.getByLabel(label, { exact: true }).fill(value.replaceAll('.', ''));
  await page.getByLabel('Số cuộc kiểm tra', { exact: true }).press('Tab');
  assert.equal(await page.getByLabel('Quỹ khuyến học vận động trong năm (đồng)', { exact: true }).inputValue(), '620.000.000');
  await page.getByText('620 triệu đồng').waitFor();
  await page.getByRole('button', { name: 'Lưu nháp' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã lưu báo cáo.' }).waitFor();
  await page.locator('dl.facts').getByText('Nháp').waitFor();
  assert.equal(await apiStatus(page, REPORT), 200);
  assert.equal(await page.getByLabel('Số hội viên', { exact: true }).inputValue(), '2.251');
  assert.equal(await page.getByRole('alert').count(), 0);

  // Someone else changes the report meanwhile (straight through the API).
  const changed = await page.evaluate(async (path) => {
    const { token } = JSON.parse(sessionStorage.getItem('kh.session'));
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const current = await (await fetch(path, { headers })).json();
    const meta = ['unit_code', 'unit_name', 'unit_level', 'year', 'status', 'version', 'updated_at'];
    const body = {};
    for (const [k, v] of Object.entries(current)) {
      if (!meta.includes(k) && !/^(submitted|approved|approval|reopen)_/.test(k)) body[k] = v;
    }
    body.branches = 10;
    return (await fetch(path, { method: 'PUT', headers, body: JSON.stringify(body) })).status;
  }, REPORT);
  assert.equal(changed, 200);
  await page.getByLabel('Số chi hội', { exact: true }).fill('11');
  await page.getByRole('button', { name: 'Lưu nháp' }).click();
  const conflict = page.getByRole('alert').filter({ hasText: 'Báo cáo đã bị người khác thay đổi' });
  await conflict.waitFor();
  await shot(page, 'report-conflict');
  await conflict.getByRole('button', { name: 'Tải lại bản mới nhất' }).click();
  await conflict.waitFor({ state: 'detached' });
  assert.equal(await page.getByLabel('Số chi hội', { exact: true }).inputValue(), '10');

  // Submit.
  await page.getByLabel('Số chi hội', { exact: true }).fill('9');
  await page.getByRole('button', { name: 'Lưu và nộp báo cáo' }).click();
  // The demo registries disagree with these figures: the submission is confirmed (13-approval-inbox).
  await page.getByRole('dialog', { name: 'Số liệu chưa khớp với sổ đăng ký' }).getByRole('button', { name: 'Vẫn nộp báo cáo' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã nộp báo cáo. Đơn vị cấp trên sẽ phê duyệt.' }).waitFor();
  await page.locator('dl.facts').getByText('Đã nộp').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Lưu nháp' }).count(), 0);
  assert.equal(await page.getByLabel('Số hội viên', { exact: true }).getAttribute('readonly'), '');
  const history = page.getByRole('table', { name: 'Lịch sử thay đổi của báo cáo' });
  await history.getByRole('cell', { name: 'Nộp', exact: true }).waitFor();
  await history.getByText('Số chi hội: 10 → 9').waitFor();
  await shot(page, 'report-submitted');

  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at phone width (${overflow}px too wide)`);
  await shot(page, 'phone-report');
  assertNoPageErrors(page);
  await page.context().close();
});

test('district editor: finds the submitted report and approves it', async () => {
  const page = await signInAs(browser, 'huyen.thanhpho');
  await page.goto('bao-cao');
  await page.getByLabel('Trạng thái').selectOption('submitted');
  await page.getByRole('button', { name: 'Lọc', exact: true }).click();
  await page.waitForURL(/status=submitted/);
  await page.getByText('Trang 1 · 1 báo cáo').waitFor();
  const row = page.getByRole('row').filter({ hasText: 'Phường Lê Hồng Phong' }).filter({ hasText: '2024' });
  await row.getByText('Đã nộp').waitFor();
  await shot(page, 'reports-list-submitted');
  await row.getByRole('link', { name: 'Phường Lê Hồng Phong' }).click();
  await page.waitForURL(/\/bao-cao\/12433\/2024$/);
  await page.getByRole('button', { name: 'Phê duyệt' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã phê duyệt báo cáo.' }).waitFor();
  await page.locator('dl.facts').getByText('Đã phê duyệt').waitFor();
  await page.getByText('Báo cáo đã được phê duyệt và đã khoá.').waitFor();
  await page.getByRole('table', { name: 'Lịch sử thay đổi của báo cáo' }).getByRole('cell', { name: 'Phê duyệt', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Mở lại để sửa' }).waitFor();
  await shot(page, 'report-approved');

  // No reload needed: back on the filtered list, the report is no longer waiting.
  await page.goBack();
  await page.waitForURL(/bao-cao\?status=submitted/);
  await page.getByText('Không có báo cáo nào khớp với điều kiện lọc.').waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});

test("admin: Thái Bình's 2024 overview and compliance show the approved commune's figures", async () => {
  const page = await signInAs(browser, 'admin');
  await page.goto('?unit=34&map=old&year=2024');
  await page.getByRole('heading', { level: 2, name: 'Tỉnh Thái Bình · 2024' }).waitFor();
  await page.getByRole('listitem', { name: 'Số hội viên', exact: true }).getByText('2.251', { exact: true }).waitFor();
  await page.getByText('1/242 xã có báo cáo').waitFor();
  const rate = page.getByRole('listitem', { name: 'Tỷ lệ hội viên trên dân số', exact: true });
  assert.match(await rate.innerText(), /33,0%[\s\S]*2\.251\/6\.820/);
  await shot(page, 'overview-thai-binh-2024');

  await page.goto('tuan-thu?unit=34&map=old&year=2024');
  const city = page.getByRole('link', { name: 'Thành phố Thái Bình', exact: true }).locator('xpath=ancestor::tr');
  await city.getByText('1/19').waitFor();
  await city.getByText('33,0%').waitFor();
  await city.click();
  await page.waitForURL(/unit=336/);
  const commune = page.getByRole('link', { name: 'Phường Lê Hồng Phong', exact: true }).locator('xpath=ancestor::tr');
  await commune.getByText('1/1').waitFor();
  // Families 1.320/2.075 = 63,6%, behind the 70% target.
  const families = commune.locator('td.rate-behind').filter({ hasText: '63,6%' });
  await families.waitFor();
  await shot(page, 'compliance-thanh-pho-2024');
  assertNoPageErrors(page);
  await page.context().close();
});

test("viewer of Thái Bình: starts on the province's latest complete year, reads reports without buttons", async () => {
  const page = await signInAs(browser, 'xem.thaibinh');
  // Thái Bình exists on the pre-2025 map only; 2023 is the latest year most communes reported.
  await page.getByRole('heading', { level: 2, name: 'Tỉnh Thái Bình · 2023' }).waitFor();
  await page.getByRole('listitem', { name: 'Số hội viên', exact: true }).getByText('662.525', { exact: true }).waitFor();
  assert.equal(await page.getByRole('radio').count(), 0, 'no map switch for a unit gone today');
  await page.goto('bao-cao/12433/2024');
  await page.locator('dl.facts').getByText('Đã phê duyệt').waitFor();
  assert.equal(await page.getByRole('button', { name: /Lưu|Phê duyệt|Mở lại/ }).count(), 0);
  assert.equal(await page.getByLabel('Số hội viên', { exact: true }).inputValue(), '2.251');
  await shot(page, 'report-viewer');
  assertNoPageErrors(page);
  await page.context().close();
});
