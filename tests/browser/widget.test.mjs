// Why: residents meet madoguchi as a widget on their municipality's page. This drives
// the real server and a real browser (headless Debian Chromium): open the widget with
// the keyboard, ask, see the answer and its source link, click a related-question
// chip, send feedback, and check the server recorded it; then a curator logs in to the
// dashboard and dismisses the question the widget could not answer; an ambiguous
// question is asked back, an option chosen, and a follow-up answered in context.
// Screenshots are written to target/browser/ (widget.png, widget-320.png, clarify.png,
// admin.png) as artefacts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const repo = resolve(import.meta.dirname, '..', '..');
const binary = process.env.MADOGUCHI_BIN || join(repo, 'target', 'release', 'madoguchi');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-browser-'));
const adminToken = 'browser-test-admin-token-42';
let server, browser, baseUrl;

async function adminGet(path) {
  const r = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return r.json();
}

/** Polls `read` until `ok(value)`; the server writes curation events asynchronously. */
async function eventually(read, ok, what) {
  for (let i = 0; i < 100; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  assert.ok(existsSync(binary), `server binary missing: ${binary} (cargo build --release)`);
  server = spawn(binary, ['serve', '--quiet', '--addr', '127.0.0.1:0', '--data-dir', dataDir], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MADOGUCHI_ADMIN_TOKEN: adminToken } });
  baseUrl = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 60_000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on (http:\/\/[\d.:]+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    server.on('exit', (code) => fail(new Error(`server exited with ${code}: ${out}`)));
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

test('keyboard, question, answer with source, related chip, feedback', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${baseUrl}/`);
  // Open with the keyboard: focus the launcher and press Enter.
  const launcher = page.getByTestId('launcher');
  await launcher.focus();
  await page.keyboard.press('Enter');
  const input = page.getByTestId('input');
  await input.waitFor();
  assert.equal(await input.evaluate((el) => el.getRootNode().activeElement === el), true, 'focus moves to the input');
  await input.fill('マイナンバーカードを紛失しました');
  await page.keyboard.press('Enter');
  const answer = page.getByTestId('answer').first();
  await answer.waitFor({ timeout: 15_000 });
  const text = await answer.innerText();
  assert.match(text, /0120-95-0178/);
  const source = answer.getByTestId('source-link');
  assert.match(await source.getAttribute('href'), /^https:\/\//);
  // A related-question chip opens that FAQ.
  const chips = page.getByTestId('suggestion');
  assert.ok((await chips.count()) > 0, 'related questions are offered');
  const chipText = (await chips.first().innerText()).trim();
  await chips.first().click();
  await page.getByTestId('answer').nth(1).waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId('answer').nth(1).innerText(), new RegExp(chipText.slice(0, 8).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  // Feedback on the first answer reaches the server.
  await page.getByTestId('feedback-yes').first().click();
  await page.getByTestId('feedback-thanks').first().waitFor();
  const stored = await eventually(() => adminGet('/admin/api/feedback'), (f) => f.length === 1, 'the feedback');
  assert.equal(stored[0].helpful, true);
  mkdirSync(join(repo, 'target', 'browser'), { recursive: true });
  await page.screenshot({ path: join(repo, 'target', 'browser', 'widget.png') });
  await page.close();
});

test('abstain shows the contact, and the widget fits a 320px screen', async () => {
  const page = await browser.newPage({ viewport: { width: 320, height: 640 } });
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('launcher').click();
  await page.getByTestId('input').fill('今日の天気は？');
  await page.getByTestId('send').click();
  const contact = page.getByTestId('contact').first();
  await contact.waitFor({ timeout: 15_000 });
  assert.match(await contact.innerText(), /窓口市|市役所|課/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'no horizontal scroll at 320px');
  await page.screenshot({ path: join(repo, 'target', 'browser', 'widget-320.png') });
  await page.close();
});

test('an ambiguous question is asked back; an option and a follow-up are answered in context', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('launcher').click();
  await page.getByTestId('input').fill('保険料はいくらですか');
  await page.keyboard.press('Enter');
  const clarify = page.getByTestId('clarify').first();
  await clarify.waitFor({ timeout: 15_000 });
  const option = clarify.getByRole('button', { name: '後期高齢者医療制度' });
  // Keyboard usable: focus the option and press Enter.
  await option.focus();
  await page.keyboard.press('Enter');
  const answer = page.getByTestId('answer').first();
  await answer.waitFor({ timeout: 15_000 });
  assert.match(await answer.innerText(), /後期高齢者医療の保険料/);
  await page.getByTestId('input').fill('傷病手当金の申請方法');
  await page.keyboard.press('Enter');
  await page.getByTestId('answer').nth(1).waitFor({ timeout: 15_000 });
  await page.getByTestId('input').fill('いつまで？');
  await page.keyboard.press('Enter');
  const followUp = page.getByTestId('answer').nth(2);
  await followUp.waitFor({ timeout: 15_000 });
  assert.match(await followUp.innerText(), /1年6か月/, 'いつまで？ is read as: until when is 傷病手当金 paid');
  mkdirSync(join(repo, 'target', 'browser'), { recursive: true });
  await page.screenshot({ path: join(repo, 'target', 'browser', 'clarify.png') });
  await page.close();
});

test('a curator logs in, sees the unanswered question and dismisses it', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await eventually(() => adminGet('/admin/api/groups'), (g) => g.some((x) => x.question === '今日の天気は？'), 'the logged question');
  const login = await page.goto(`${baseUrl}/admin/`);
  assert.equal(login.status(), 401, 'the dashboard asks for the token first');
  await page.fill('input[name=token]', adminToken);
  await page.click('button[type=submit]');
  await page.waitForURL(`${baseUrl}/admin/`);
  const group = page.locator('.group', { hasText: '今日の天気は？' });
  await group.waitFor();
  assert.match(await page.locator('table').first().innerText(), /990001/, 'the trends list the demo tenant');
  mkdirSync(join(repo, 'target', 'browser'), { recursive: true });
  await page.screenshot({ path: join(repo, 'target', 'browser', 'admin.png'), fullPage: true });
  await group.getByRole('button', { name: '対象外にする' }).click();
  await page.waitForURL(/notice=/);
  assert.match(await page.locator('.notice').innerText(), /対象外/);
  assert.equal(await page.locator('.group', { hasText: '今日の天気は？' }).count(), 0, 'the dismissed group is gone');
  await page.close();
});
