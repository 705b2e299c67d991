// Issue 19 item 8, phones (390×844) and desktop: the overview starts with a compact summary and is
// no longer one 4,000-px column of cards; the awards table keeps its columns and its row buttons
// on screen; the compliance chart's unit names are whole (wrapped), not "Thành phố Hà …"; the two
// map choices are the same height.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, DESKTOP, launch, PHONE, screenshots, signInAs } from './helpers.mjs';

const shot = screenshots('phone');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const SIZES = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
];

for (const [size, viewport] of SIZES) {
  test(`item 8 at ${size}: the overview opens on its summary and its cards are compact`, async () => {
    const page = await signInAs(browser, 'admin');
    await page.setViewportSize(viewport);
    await page.goto('?nam=2023');
    await page.locator('.summary').waitFor();
    await page.locator('.cards .card').first().waitFor();
    await shot(page, `overview-${size}`);
    const summary = await page.locator('.summary').boundingBox();
    assert.ok(summary && summary.y < viewport.height / 2, `the summary starts on the first screen (${summary?.y})`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    // On a phone it was one 4,000-px column of cards.
    if (viewport === PHONE) assert.ok(height <= 3000, `the overview is ${height}px tall`);
    const perRow = await page.evaluate(() => {
      const tops = [...document.querySelectorAll('.cards')][0].querySelectorAll('.card');
      const y = tops[0].getBoundingClientRect().top;
      return [...tops].filter((c) => Math.abs(c.getBoundingClientRect().top - y) < 2).length;
    });
    assert.ok(perRow >= 2, `${perRow} card(s) a row`);
    assertNoPageErrors(page);
    await page.context().close();
  });

  test(`item 8 at ${size}: the awards table keeps recipient kind and category, and each row's buttons are on screen`, async () => {
    const page = await signInAs(browser, 'admin');
    await page.setViewportSize(viewport);
    await page.goto('so-dang-ky/khen-thuong');
    const table = page.getByRole('table', { name: /khen thưởng/i });
    await table.getByRole('row').nth(1).waitFor();
    const first = table.getByRole('row').nth(1);
    for (const header of ['Đối tượng', 'Loại khen thưởng']) {
      const cell = first.locator(`td[data-label="${header}"]`);
      assert.ok(await cell.isVisible(), `${header} is shown`);
    }
    for (const name of ['Sửa', 'Xoá']) {
      const button = first.getByRole('button', { name: new RegExp(`^${name}`) });
      const box = await button.boundingBox();
      assert.ok(box, `${name} is there`);
      assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `${name} is on screen (x ${box.x}..${box.x + box.width})`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
    await first.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-artifacts/phone-awards-row-${size}.png` });
    assertNoPageErrors(page);
    await page.context().close();
  });

  test(`item 8 at ${size}: the compliance chart shows whole unit names`, async () => {
    const page = await signInAs(browser, 'admin');
    await page.setViewportSize(viewport);
    await page.goto('tuan-thu?nam=2023');
    const chart = page.locator('[role="img"] svg').first();
    await chart.waitFor();
    await page.waitForTimeout(500); // ECharts draws after its first resize
    const labels = await chart.locator('text').allTextContents();
    const cut = labels.filter((s) => /(…|\.\.\.)$/.test(s.trim()));
    assert.deepEqual(cut, [], 'no truncated label');
    const text = labels.join(' ').replace(/\s+/g, ' ');
    assert.match(text, /Thành phố Hà Nội|Thành phố Hà\s*Nội/);
    await shot(page, `compliance-${size}`);
    assertNoPageErrors(page);
    await page.context().close();
  });

  test(`item 8 at ${size}: the two map choices are the same height`, async () => {
    const page = await signInAs(browser, 'admin');
    await page.setViewportSize(viewport);
    await page.goto('don-vi');
    const labels = page.locator('fieldset.segmented label');
    await labels.first().waitFor();
    const [a, b] = [await labels.nth(0).boundingBox(), await labels.nth(1).boundingBox()];
    assert.ok(Math.abs(a.height - b.height) < 1, `heights ${a.height} and ${b.height}`);
    assert.ok(Math.abs(a.y - b.y) < 1, 'side by side');
    await shot(page, `map-switch-${size}`);
    assertNoPageErrors(page);
    await page.context().close();
  });
}
