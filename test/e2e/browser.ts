import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dashboard/dist');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SOURCES = [
  join(ROOT, 'dashboard/src'),
  join(ROOT, 'dashboard/index.html'),
  join(ROOT, 'dashboard/vite.config.ts'),
];

function newestSource(): number {
  let newest = 0;
  for (const source of SOURCES) {
    const files = statSync(source).isDirectory()
      ? readdirSync(source, { recursive: true, encoding: 'utf8' }).map((f) => join(source, f))
      : [source];
    for (const file of files) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

/** Build the dashboard with Vite unless `dashboard/dist` is there and newer than every source file. */
export function ensureDashboardBuilt(): void {
  const built = join(DIST, 'index.html');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource()) return;
  const result = spawnSync('npm', ['run', 'build', '-w', 'dashboard'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`dashboard build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface TestBrowser {
  context: BrowserContext;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Debian's Chromium in headless mode with a fresh profile dir, removed on close (never a downloaded browser). */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'parking-e2e-chromium-'));
  // Playwright passes the profile as --user-data-dir itself (it refuses the flag in `args`).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
  });
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      // Closing a context whose browser has already gone fails; there is nothing left to close then.
      await context.close().catch((err: Error) => console.warn(`browser context close: ${err.message}`));
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
