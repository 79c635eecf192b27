// Why: residents meet madoguchi as a widget on their municipality's page. This drives
// the real server and a real browser (headless Debian Chromium): open the widget with
// the keyboard, ask, see the answer and its source link, click a related-question
// chip, send feedback, and check the server recorded it. A screenshot is written to
// target/browser/widget.png as a test artefact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const repo = resolve(import.meta.dirname, '..', '..');
const binary = process.env.MADOGUCHI_BIN || join(repo, 'target', 'release', 'madoguchi');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-browser-'));
let server, browser, baseUrl;

before(async () => {
  assert.ok(existsSync(binary), `server binary missing: ${binary} (cargo build --release)`);
  server = spawn(binary, ['serve', '--quiet', '--addr', '127.0.0.1:0', '--data-dir', dataDir], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
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
  const log = readFileSync(join(dataDir, 'feedback.jsonl'), 'utf8').trim().split('\n');
  assert.equal(log.length, 1);
  assert.equal(JSON.parse(log[0]).helpful, true);
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
