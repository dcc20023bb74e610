// The page under its Content-Security-Policy, in headless Chromium: the
// policy is in force (an inline script and an image from another host are
// blocked and reported), and the page itself causes no violation while it
// loads, draws its tiles and is used.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.PARITY_CHROMIUM || '/usr/bin/chromium';
const BASE = process.env.PARITY_URL;
let context;
let userDataDir;

before(async () => {
  assert.ok(BASE, 'PARITY_URL must name the running parity server');
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-csp-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: 1024, height: 700 },
  });
});

after(async () => {
  if (context) await context.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

test('the page works under its CSP: no violation of its own, and the policy blocks what it should', async () => {
  const page = await context.newPage();
  const consoleCsp = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) consoleCsp.push(m.text());
  });
  // Recorded from before the first script runs.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(new URL('/', BASE).href, { waitUntil: 'load' });
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  await page.waitForFunction(() => typeof window.parity === 'object', null, { timeout: 30_000 });
  await page.evaluate(() => Promise.race([window.parity.ready, new Promise((_, no) => setTimeout(() => no(new Error('not ready')), 30_000))]));
  // Use it: zoom in and out, so more tiles load.
  const box = await page.locator('canvas').first().boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await page.waitForTimeout(800);
  await page.mouse.wheel(0, 400);
  await page.waitForTimeout(800);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'the page violates its own policy');
  assert.deepEqual(consoleCsp, []);

  // The policy is in force: an injected inline script does not run, an
  // image from another host is not fetched; both are reported.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    document.body.appendChild(s);
    const img = document.createElement('img');
    img.src = 'http://other-host.invalid/pixel.png';
    document.body.appendChild(img);
    return window.__inlineRan === true;
  });
  assert.equal(ran, false, 'an inline script ran');
  await page.waitForTimeout(300);
  const violations = await page.evaluate(() => window.__cspViolations);
  assert.ok(violations.some((v) => /^script-src/.test(v)), `inline script reported: ${violations}`);
  assert.ok(violations.some((v) => /^img-src http:\/\/other-host\.invalid/.test(v)), `other host reported: ${violations}`);
  assert.equal(violations.length, 2, violations.join('; '));
  await page.close();
});
