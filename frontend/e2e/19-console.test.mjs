// Issue 19: the dashboard asked for things that may not exist (a unit's report of a year not written
// yet, …) and the browser logged each 404 as a console error on every such page. It now asks in ways
// that answer "none" without an error status (GET /reports?unit&year&exact=true): the main pages,
// as each kind of demo account opens them, log no console error at all (no `allow` here).
// Also the XLSX award template (drop-downs from the API) and import errors in English mode.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, DESKTOP, launch, PHONE, screenshots, signInAs } from './helpers.mjs';

const shot = screenshots('console');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const PAGES = {
  admin: ['', 'tuan-thu', 'bao-cao', 'bao-cao/12433/2024', 'bao-cao/34/2025', 'cho-duyet', 'so-dang-ky', 'so-dang-ky/khen-thuong', 'don-vi', 'don-vi/34', 'quan-tri'],
  'xa.lehongphong': ['', 'bao-cao', 'bao-cao/12433/2024', 'bao-cao/12433/2026', 'bao-cao/12433/2023', 'so-dang-ky/quy', 'don-vi/12433'],
  'huyen.thanhpho': ['', 'bao-cao', 'cho-duyet', 'bao-cao/12436/2025', 'so-dang-ky/khen-thuong', 'don-vi/336'],
  'xem.thaibinh': ['', 'tuan-thu', 'bao-cao', 'bao-cao/34/2024', 'don-vi/34'],
};

/** Open a page and wait until the dashboard has nothing left to fetch. */
async function visit(page, path) {
  await page.goto(path);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForLoadState('networkidle');
}

for (const [user, paths] of Object.entries(PAGES)) {
  test(`${user}: the main pages log no console error (expected "none yet" answers are not 404s)`, async () => {
    const page = await signInAs(browser, user);
    const statuses = [];
    page.on('response', (r) => {
      if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/api/')) statuses.push(`${r.status()} ${r.url()}`);
    });
    for (const path of paths) await visit(page, path);
    assert.deepEqual(statuses, [], 'no API call answered an error status');
    assertNoPageErrors(page);
    await page.context().close();
  });
}

for (const [size, viewport] of [
  ['1366×768', { width: 1366, height: 768 }],
  ['390×844', PHONE],
]) {
  test(`${size}: the award import offers the Excel template; in English its errors are in English`, async () => {
    const page = await signInAs(browser, 'huyen.thanhpho', { allow: [] });
    await page.setViewportSize(viewport ?? DESKTOP);
    await page.goto('so-dang-ky/khen-thuong');
    await page.getByRole('button', { name: 'Nhập danh sách từ tệp' }).click();
    const panel = page.getByRole('region', { name: 'Nhập danh sách khen thưởng từ tệp' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Tải tệp mẫu Excel (.xlsx)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'mau-khen-thuong.xlsx');
    const bytes = Buffer.concat(await (await download.createReadStream()).toArray());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX (zip) file');
    await shot(page, `award-template-${viewport.width}`);

    // English mode: the API's words for a bad cell are English (Accept-Language), its type unchanged.
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    const en = page.getByRole('region', { name: 'Import awards from a file' });
    const header = 'Mã đơn vị,Họ và tên,Đối tượng,Trường,Loại khen thưởng,Năm,Ngày trao,Số tiền (đồng),Giá trị quà (đồng)';
    const file = { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\n12436,Phạm Văn Sai,học sinh,,hoc_sinh_gioi_tinh,1800,,100,0\n`) };
    await en.locator('input[type=file]').setInputFiles(file);
    await en.getByRole('button', { name: /check/i }).first().click();
    const table = en.getByRole('table').first();
    await table.waitFor();
    const text = await table.innerText();
    assert.match(text, /The year must be from 1990 to 2100/);
    assert.doesNotMatch(text, /Năm phải từ/);
    await shot(page, `import-errors-english-${viewport.width}`);
    assertNoPageErrors(page);
    await page.context().close();
  });
}
