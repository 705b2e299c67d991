// Issue 19, item 3: unit codes were typed by hand on the reports page, every registry filter and
// the user and key forms, and the name search listed four "Phường Lê Hồng Phong" with only their
// codes to tell them apart. Now one picker (a combobox) is used everywhere a unit is chosen: a
// search by name without diacritics, each result with the units above it and its dates,
// operated from the keyboard, the chosen unit shown by its name.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, launch, PHONE, signInAs } from './helpers.mjs';

const WIDE = { width: 1366, height: 768 };

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

for (const [size, viewport] of [
  ['1366×768', WIDE],
  ['390×844', PHONE],
]) {
  test(`${size}: the reports filter finds "le hong phong" by name; same-named wards differ by their parents; keyboard only`, async () => {
    const page = await signInAs(env, 'admin', { allow: [/status of 404/] });
    await page.setViewportSize(viewport);
    await page.goto('bao-cao');
    const box = page.getByRole('combobox', { name: 'Mã đơn vị (cả đơn vị cấp dưới)' });
    await box.focus();
    await page.keyboard.type('le hong phong');
    const list = page.getByRole('listbox', { name: 'Kết quả tìm đơn vị' }).first();
    const wards = list.getByRole('option').filter({ hasText: 'Phường Lê Hồng Phong' });
    await wards.nth(3).waitFor();
    const texts = await wards.allInnerTexts();
    assert.ok(texts.length >= 4, texts.join('\n'));
    // Each with its district and province, and its dates: no two alike.
    // The lines under the name (parents, then code and dates), read from the elements: innerText's line
    // breaks depend on the layout, which differs between the two widths.
    const lines = await wards.evaluateAll((els) =>
      els.map((el) => [...el.querySelectorAll('.muted')].map((s) => s.textContent.trim()).join(' | ')),
    );
    assert.equal(new Set(lines).size, lines.length, lines.join('\n'));
    assert.ok(lines.every((l) => /Tỉnh|Thành phố/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /30\/06\/2025/.test(l)), 'validity dates shown');
    // The list fits the screen.
    const box1 = await list.boundingBox();
    const width = await page.evaluate(() => window.innerWidth);
    assert.ok(box1 && box1.x >= 0 && box1.x + box1.width <= width + 1, 'the list fits the width');

    // Keyboard: the highlighted option is announced through aria-activedescendant; Enter chooses.
    await page.keyboard.press('ArrowDown');
    const activeId = await box.getAttribute('aria-activedescendant');
    assert.ok(activeId);
    const chosen = (await page.locator(`[id="${activeId}"] .picker-name`).textContent())?.trim() ?? '';
    await page.keyboard.press('Enter');
    assert.equal(await box.inputValue(), chosen);
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.waitForURL(/[?&]unit=\d{5}/);
    // The chosen unit stays shown by its name after the filter applies (once its name is loaded).
    await page.getByText(`Đã chọn: ${chosen}`).first().waitFor();
    assert.equal(await box.inputValue(), chosen);
    assertNoPageErrors(page);
    await page.context().close();
  });
}

test('the same picker is on the open-report form, a registry filter, and the user and key forms', async () => {
  const page = await signInAs(env, 'admin', { allow: [/status of 404/] });
  await page.goto('bao-cao');
  await page.getByRole('combobox', { name: 'Mã đơn vị', exact: true }).waitFor();
  await page.goto('so-dang-ky/quy');
  const filter = page.getByRole('form', { name: /Lọc/ }).getByRole('combobox').first();
  await filter.waitFor();
  await page.goto('quan-tri');
  await page.getByRole('button', { name: '+ Thêm người dùng' }).click();
  const userForm = page.getByRole('form', { name: 'Thêm người dùng' });
  const unit = userForm.getByRole('combobox', { name: 'Mã đơn vị' });
  await unit.fill('thai binh');
  await userForm.getByRole('option', { name: /Tỉnh Thái Bình/ }).first().click();
  await userForm.getByText(/Đã chọn: Tỉnh Thái Bình/).waitFor();
  assert.equal(await unit.inputValue(), 'Tỉnh Thái Bình');
  await page.goto('quan-tri/khoa-api');
  await page.getByRole('button', { name: '+ Tạo khoá API' }).click();
  await page.getByRole('form', { name: 'Tạo khoá API' }).getByRole('combobox', { name: 'Mã đơn vị' }).waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});
