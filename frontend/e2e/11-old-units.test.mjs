// Issue 19, item 2: users of pre-2025 units were led into forms they could not save ("Mở báo
// cáo" defaulted to 2026; saving failed with "… Hãy chọn ngày bằng ?as_of="), and /don-vi/34 and
// /don-vi/336 opened on today's map with a 404 in developer wording. Now a user of a unit that
// ended on 30/06/2025 lands on its last year, later years are read only with a sentence and a
// link to the successor, and old codes open on the map of their last day.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, launch, PHONE, signInAs } from './helpers.mjs';

const WIDE = { width: 1366, height: 768 };
// The report of a year with no report yet answers 404; a code on a date it named no unit, 404.
const allow = [/status of 404/];

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** The element is inside the viewport horizontally (not cut off on a phone). */
async function fitsWidth(locator) {
  const box = await locator.boundingBox();
  const width = await locator.page().evaluate(() => window.innerWidth);
  return box !== null && box.x >= 0 && box.x + box.width <= width + 1;
}

test('"Mở báo cáo" defaults to the last year a commune that ended can report for (2024, not 2026)', async () => {
  const page = await signInAs(env, 'xa.lehongphong', { allow });
  await page.goto('bao-cao');
  const year = page.locator('#open-year');
  await page.waitForFunction(() => document.querySelector('#open-year')?.value === '2024', null, { timeout: 10_000 }).catch(() => undefined);
  assert.equal(await year.inputValue(), '2024');
  assertNoPageErrors(page);
  await page.context().close();
});

for (const [size, viewport] of [
  ['1366×768', WIDE],
  ['390×844', PHONE],
]) {
  test(`${size}: a year after the unit ended is read only, says why and links to the successor`, async () => {
    const page = await signInAs(env, 'xa.lehongphong', { allow });
    await page.setViewportSize(viewport);
    await page.goto('bao-cao/12433/2026');
    const note = page.getByRole('note').filter({ hasText: 'không lập báo cáo năm 2026' });
    await note.waitFor();
    assert.match(await note.innerText(), /30\/06\/2025/);
    assert.match(await note.innerText(), /Báo cáo cuối cùng của đơn vị là năm 2024/);
    const successor = note.locator('a[href*="/don-vi/"]').first();
    assert.ok(await successor.isVisible(), 'a link to the unit that reports for the area now');
    assert.ok(await fitsWidth(note), 'the note fits the screen');
    // Nothing to fill that could not be saved.
    assert.equal(await page.getByRole('button', { name: 'Lưu nháp' }).count(), 0);
    assert.equal(await page.locator('#f-branches').count(), 0);
    // The way to the last report that can be entered.
    await note.getByRole('link', { name: 'Mở báo cáo năm 2024' }).click();
    await page.waitForURL(/\/bao-cao\/12433\/2024$/);
    await page.locator('#f-branches').waitFor();
    assertNoPageErrors(page);
    await page.context().close();
  });
}

for (const [user, code, name] of [
  ['xem.thaibinh', '34', /Thái Bình/],
  ['huyen.thanhpho', '336', /Thái Bình/],
]) {
  test(`/don-vi/${code} opens on the map of the unit's last day, with no developer wording`, async () => {
    const page = await signInAs(env, user, { allow });
    await page.goto(`don-vi/${code}`);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByText(/không còn trên bản đồ hôm nay/).waitFor();
    assert.match(await page.locator('main').innerText(), /30\/06\/2025/);
    assert.doesNotMatch(await page.locator('main').innerText(), /as_of|Không có đơn vị mã/);
    assertNoPageErrors(page);
    await page.context().close();
  });
}

test("an old code on today's map says, in plain words, until when it existed and who took over", async () => {
  const page = await signInAs(env, 'xem.thaibinh', { allow });
  await page.goto('don-vi/34?map=new');
  const alert = page.getByRole('alert');
  await alert.getByText(/chỉ tồn tại đến hết ngày 30\/06\/2025/).waitFor();
  const text = await alert.innerText();
  assert.match(text, /Tỉnh Thái Bình/);
  assert.match(text, /khu vực này do .+ phụ trách/);
  assert.doesNotMatch(text, /as_of|\?|Hãy kiểm tra lại mã đơn vị hoặc ngày/);
  await page.context().close();
});
