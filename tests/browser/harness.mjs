// Shared set-up for the browser tests: a real legalmap server on a fresh SQLite database and a
// real headless Chromium (Debian's), driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const screenshotDir = path.join(root, 'target', 'screenshots');
mkdirSync(screenshotDir, { recursive: true });

export const STAFF = { username: 'tester', password: 'browser test password' };

/** Starts `legalmap serve` on port 0 (or `options.listen`) and resolves with its base URL once
 * it listens. The database (in `options.dir`, else a new folder) has one admin account, STAFF,
 * made with `legalmap user add`. `stop()` resolves once the process has exited. */
export function startServer(options = {}) {
  const binary = process.env.LEGALMAP_BIN || path.join(root, 'target', 'debug', 'legalmap');
  const dir = options.dir || mkdtempSync(path.join(tmpdir(), 'legalmap-browser-'));
  const database = `sqlite://${dir}/legalmap.db`;
  if (!options.dir) {
    const made = spawnSync(binary, ['user', 'add', STAFF.username, '--role', 'admin', '--database', database], {
      env: { ...process.env, LEGALMAP_PASSWORD: STAFF.password, RUST_LOG: 'warn' },
      encoding: 'utf8',
    });
    if (made.status !== 0) throw new Error(`legalmap user add failed: ${made.stderr}`);
  }
  const child = spawn(binary, ['--listen', options.listen || '127.0.0.1:0', '--database', database], {
    env: { ...process.env, RUST_LOG: 'info', NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(log);
      if (match) resolve({ url: match[1], dir, stop: () => { child.kill('SIGTERM'); return exited; } });
    });
    child.on('exit', (code) => reject(new Error(`legalmap exited with ${code} before listening:\n${log}`)));
  });
}

/** The server and the browser a test file drives, `{ server, browser }`; nothing is left
 * running if either fails to start. */
export async function startServerAndBrowser() {
  const server = await startServer();
  try {
    return { server, browser: await launchBrowser() };
  } catch (error) {
    server.stop();
    throw error;
  }
}

/** Stops what startServerAndBrowser started (nothing, if it failed). */
export async function stopServerAndBrowser({ server, browser }) {
  await browser?.close();
  server?.stop();
}

/** A point's WGS-84 position, `{ lon, lat }`, from the public API. */
export async function apiPosition(server, code) {
  const feature = await (await fetch(`${server.url}/api/v1/points/${code}`)).json();
  const [lon, lat] = feature.geometry.coordinates;
  return { lon, lat };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic',
    ],
  });
}

/** A phone-sized page (360x640) whose map tiles are unreachable, as on this machine. */
export async function phonePage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    ...options,
  });
  await context.route(/tile\.openstreetmap\.org/, (route) => route.abort('internetdisconnected'));
  const page = await context.newPage();
  return { context, page, problems: watchProblems(page) };
}

/** Script errors and Content-Security-Policy violations (reported on the console) of a page. */
export function watchProblems(page) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  return problems;
}

/** Saves the map region alone (`name-map.png`). */
export async function mapShot(page, name) {
  await page.locator('.map-region').screenshot({ path: path.join(screenshotDir, `${name}-map.png`) });
}

/** Saves what the resident sees now (`name.png`) and the whole page (`name-full.png`). */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  await page.screenshot({ path: path.join(screenshotDir, `${name}-full.png`), fullPage: true });
}
