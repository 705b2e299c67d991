// Overview and target compliance against the demo data (Thái Bình 2022 and 2023 commune reports).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, launch, PHONE, screenshots, signInAs, viewportShot } from './helpers.mjs';

const shot = screenshots('stats');
let browser;
let page;
before(async () => {
  browser = await launch();
  page = await signInAs(browser, 'admin');
});
after(async () => {
  await browser?.close();
});

const card = (name) => page.getByRole('listitem', { name, exact: true });
/** The shown percentages of a table row's cells (without the words for screen readers). */
const percents = (row) =>
  row.locator('td').evaluateAll((tds) => tds.map((td) => (/\d+,\d%/.exec(td.textContent) ?? /\d+\/\d+/.exec(td.textContent) ?? ['—'])[0]));
const bodyRows = () => page.locator('table.compliance tbody tr');

test('overview: Thái Bình 2023 through the picker: 662.525 members, 34,9%, targets, coverage', async () => {
  await page.getByRole('navigation').getByRole('link', { name: 'Tổng quan' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
  // A national admin starts on the whole country.
  await page.getByRole('heading', { level: 2, name: /^Toàn quốc · \d{4}$/ }).waitFor();

  // Pick Thái Bình with the keyboard: the shortcut for the pre-2025 map.
  await page.getByRole('button', { name: 'Đổi đơn vị' }).click();
  const picker = page.getByRole('group', { name: 'Chọn đơn vị' });
  assert.equal(await page.getByLabel('Tìm đơn vị theo tên hoặc mã').evaluate((el) => el === document.activeElement), true);
  await picker.getByRole('button', { name: 'Tỉnh Thái Bình (34, bản đồ trước 01/07/2025)' }).click();
  await page.waitForURL(/unit=34/);
  assert.match(page.url(), /map=old/);
  // The latest year with figures comes first; another year is one choice away.
  await page.getByRole('heading', { level: 2, name: 'Tỉnh Thái Bình · 2023' }).waitFor();
  assert.equal(await page.getByLabel('Năm', { exact: true }).inputValue(), '2023');
  await page.getByLabel('Năm', { exact: true }).selectOption('2022');
  await page.getByRole('heading', { level: 2, name: 'Tỉnh Thái Bình · 2022' }).waitFor();
  await card('Số hội viên').getByText('652.000', { exact: true }).waitFor();
  await page.getByLabel('Năm', { exact: true }).selectOption('2023');
  await page.waitForURL(/year=2023/);
  await page.getByRole('heading', { level: 2, name: 'Tỉnh Thái Bình · 2023' }).waitFor();

  await card('Số hội viên').getByText('662.525', { exact: true }).waitFor();
  const rate = card('Tỷ lệ hội viên trên dân số');
  await rate.getByText('34,9%', { exact: true }).waitFor();
  assert.match(await rate.innerText(), /662\.525\/1\.898\.352/);
  assert.match(await rate.innerText(), /so với năm 2022: \+0,5 điểm/);
  await page.getByText('242/242 xã có báo cáo').waitFor();
  await card('Số chi hội').getByText('2.576', { exact: true }).waitFor();
  await card('Quỹ khuyến học vận động trong năm (đồng)').getByText('163.250.000.000 đ').waitFor();
  await card('Số suất khen thưởng, học bổng').getByText('224.729', { exact: true }).waitFor();

  // Against Decision 387/677 targets: families behind (65,6% < 70%), communities met (76,1% > 65%).
  const families = card('Tỷ lệ gia đình học tập');
  assert.match(await families.getAttribute('class'), /card-behind/);
  assert.match(await families.innerText(), /65,6%[\s\S]*Chưa đạt[\s\S]*Chỉ tiêu 70,0% · thiếu 4,4 điểm/);
  const communities = card('Tỷ lệ cộng đồng học tập (thôn, tổ dân phố)');
  assert.match(await communities.getAttribute('class'), /card-met/);
  assert.match(await communities.innerText(), /76,1%[\s\S]*Đạt[\s\S]*vượt 11,1 điểm/);
  assert.match(await card('Tỷ lệ công dân học tập').innerText(), /26,5%[\s\S]*Chỉ tiêu 40,0%/);
  await page.locator('.chart-box svg').first().waitFor();
  await shot(page, 'overview-thai-binh-2023');
  await viewportShot(page, 'readme-overview.png');

  // The same figures on today's map: the new Hưng Yên for 2023 is computed from 33 and 34.
  await page.goto('?unit=33&year=2023');
  await page.getByRole('radio', { name: 'Bản đồ hiện nay', checked: true }).waitFor();
  await page.locator('.computed-from').getByText('Tỉnh Thái Bình').waitFor();
  assert.match(await page.locator('.computed-from').innerText(), /^\s*· Tính từ: Tỉnh Hưng Yên 33, Tỉnh Thái Bình 34$/);
  await card('Số hội viên').getByText('662.525', { exact: true }).waitFor();
  assertNoPageErrors(page);
});

test('overview: English, then phone width', async () => {
  await page.goto('?unit=34&map=old&year=2023');
  await page.getByRole('button', { name: 'EN' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await card('Members').getByText('662.525', { exact: true }).waitFor();
  await page.getByText('242/242 communes reported').waitFor();
  await shot(page, 'overview-english');
  await page.getByRole('button', { name: 'VI' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();

  await page.setViewportSize(PHONE);
  await card('Số hội viên').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at phone width (${overflow}px too wide)`);
  await shot(page, 'phone-overview');
  await page.setViewportSize({ width: 1280, height: 800 });
  assertNoPageErrors(page);
});

test('compliance: Thái Bình 2023 lists its 8 districts, sorts, charts, and drills into one', async () => {
  await page.goto('?unit=34&map=old&year=2023');
  await page.getByRole('link', { name: /Xem tuân thủ chỉ tiêu/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Tuân thủ chỉ tiêu' }).waitFor();
  assert.match(page.url(), /\/tuan-thu\?unit=34&map=old&year=2023/);
  await page.getByText('8 đơn vị trực thuộc').waitFor();
  assert.equal(await bodyRows().count(), 8);
  for (const name of ['Thành phố Thái Bình', 'Huyện Quỳnh Phụ', 'Huyện Hưng Hà', 'Huyện Đông Hưng', 'Huyện Thái Thụy', 'Huyện Tiền Hải', 'Huyện Kiến Xương', 'Huyện Vũ Thư']) {
    await page.getByRole('link', { name, exact: true }).waitFor();
  }
  // The province's own row: 242/242 communes, families 65,6% (behind the target, in red).
  const total = page.locator('table.compliance tfoot tr');
  await total.getByText('Cả Tỉnh Thái Bình').waitFor();
  assert.deepEqual(await percents(total), ['242/242', '34,9%', '26,5%', '65,6%', '61,2%', '76,1%', '77,6%', '100,0%']);
  assert.equal(await total.locator('td.rate-behind').count(), 4);
  assert.equal(await total.locator('td.rate-met').count(), 1);

  // Sort by learning families, highest first.
  const header = page.getByRole('columnheader', { name: 'Gia đình HT' });
  await header.getByRole('button').click();
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  const values = await bodyRows().evaluateAll((trs) =>
    trs.map((tr) => Number(/(\d+,\d)%/.exec(tr.querySelectorAll('td')[3].textContent)[1].replace(',', '.'))),
  );
  assert.deepEqual(values, [...values].sort((a, b) => b - a));

  // The bar chart of the chosen rate, with the target line.
  const chart = page.getByRole('img', { name: /Tỷ lệ gia đình học tập của các đơn vị trực thuộc Tỉnh Thái Bình, năm 2023/ });
  await chart.locator('svg').waitFor();
  await chart.getByText('Chỉ tiêu 70,0%').waitFor();
  await page.getByLabel('Tỷ lệ trên biểu đồ').selectOption('learning_community_rate');
  await page.waitForURL(/rate=learning_community_rate/);
  await page.getByRole('img', { name: /Tỷ lệ cộng đồng học tập/ }).getByText('Chỉ tiêu 65,0%').waitFor();
  await shot(page, 'compliance-thai-binh-2023');
  await viewportShot(page, 'readme-compliance.png');

  // CSV through the API, with the bearer token.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải về CSV' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'chi-tieu-34-2023-ban-do-truoc-2025.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.startsWith('\uFEFF'));
  const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.match(lines[0], /^unit_code,unit_name,year,indicator/);
  assert.ok(lines.some((l) => l.startsWith('336,Thành phố Thái Bình,2023,membership_rate,')));
  assert.equal(new Set(lines.slice(1).map((l) => l.split(',')[0])).size, 8);

  // The reports' Excel summary (GET /reports/34/2023/summary.xlsx).
  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải về Excel (XLSX)' }).click(),
  ]);
  assert.equal(xlsx.suggestedFilename(), 'tong-hop-bao-cao-34-2023-ban-do-truoc-2025.xlsx');
  assert.equal(readFileSync(await xlsx.path()).subarray(0, 2).toString(), 'PK', 'an .xlsx is a zip file');

  // Drill down by clicking the row (not the link): Vũ Thư's 30 communes.
  await page.getByRole('link', { name: 'Huyện Vũ Thư', exact: true }).locator('xpath=ancestor::tr').locator('td').nth(2).click();
  await page.waitForURL(/unit=344/);
  await page.getByText('30 đơn vị trực thuộc').waitFor();
  assert.equal(await bodyRows().count(), 30);
  const trail = page.getByRole('navigation', { name: 'Lên cấp trên' });
  await trail.getByRole('link', { name: 'Tỉnh Thái Bình' }).waitFor();
  await trail.getByText('Huyện Vũ Thư').waitFor();
  await shot(page, 'compliance-vu-thu-2023');

  // And into a commune, with the keyboard: its own figures and a link to its report.
  const first = bodyRows().first().getByRole('link');
  const communeName = await first.innerText();
  await first.focus();
  await page.keyboard.press('Enter');
  await page.getByText('Đây là cấp xã: số liệu lấy từ báo cáo năm của xã.').waitFor();
  await page.getByRole('link', { name: `Mở báo cáo năm 2023 của ${communeName}` }).waitFor();

  // Back up through the trail.
  await page.getByRole('navigation', { name: 'Lên cấp trên' }).getByRole('link', { name: 'Tỉnh Thái Bình' }).click();
  await page.getByText('8 đơn vị trực thuộc').waitFor();
  assertNoPageErrors(page);
});

test('compliance: the whole country on both maps (34 provinces today, 63 before 01/07/2025)', async () => {
  await page.goto('tuan-thu?unit=VN&year=2023');
  await page.getByText('34 đơn vị trực thuộc').waitFor();
  // Today's Hưng Yên holds Thái Bình's 2023 figures.
  const hungYen = page.getByRole('link', { name: 'Tỉnh Hưng Yên', exact: true }).locator('xpath=ancestor::tr');
  assert.deepEqual((await percents(hungYen)).slice(0, 2), ['242/381', '34,9%']);
  await page.getByRole('radio', { name: 'Bản đồ trước 01/07/2025' }).click();
  await page.waitForURL(/map=old/);
  await page.getByRole('radio', { name: 'Bản đồ trước 01/07/2025', checked: true }).waitFor();
  await page.getByText('63 đơn vị trực thuộc').waitFor();
  const thaiBinh = page.getByRole('link', { name: 'Tỉnh Thái Bình', exact: true }).locator('xpath=ancestor::tr');
  assert.deepEqual((await percents(thaiBinh)).slice(0, 2), ['242/242', '34,9%']);
  await shot(page, 'compliance-country-old-map');
  await page.getByRole('radio', { name: 'Bản đồ hiện nay' }).click();
  await page.waitForURL(/map=new/);
  await page.getByText('34 đơn vị trực thuộc').waitFor();
  assertNoPageErrors(page);
});

test('compliance: phone width', async () => {
  await page.setViewportSize(PHONE);
  await page.goto('tuan-thu?unit=34&map=old&year=2023');
  await page.getByText('8 đơn vị trực thuộc').waitFor();
  await page.locator('.chart-box svg').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at phone width (${overflow}px too wide)`);
  await shot(page, 'phone-compliance');
  await page.setViewportSize({ width: 1280, height: 800 });
  assertNoPageErrors(page);
});
