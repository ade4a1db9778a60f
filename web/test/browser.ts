// Browser tests: Debian's Chromium driven by playwright-core against a real Slovo (harness
// database, the built web app on a real port). A failed step saves a screenshot under
// test-artifacts/ (CI keeps it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { setup, PASSWORD, type TestCtx } from '../../server/test/harness.ts';
import type { Role } from '../../server/db/types.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export type WebCtx = TestCtx & {
  browser: Browser;
  /** A fresh browser context (own cookies) in the given language; pages opened from it. */
  context: (opts?: { lang?: 'ru' | 'en'; phone?: boolean }) => Promise<BrowserContext>;
  /** An agent with the role, signed in through the login form; returns the page on the app. */
  signIn: (role: Role, opts?: { lang?: 'ru' | 'en'; email?: string }) => Promise<{ page: Page; userId: string; email: string }>;
  /** Runs a step; on failure saves a screenshot of every open page, then rethrows. */
  step: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  closeAll: () => Promise<void>;
};

export async function startWeb(opts: { jobs?: boolean; env?: Record<string, string> } = {}): Promise<WebCtx> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const ctx = await setup({ ...opts, web: true });
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slovo-chromium-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, `--user-data-dir=${userDir}`].filter((a) => !a.startsWith('--user-data-dir')), headless: true });
  const contexts: BrowserContext[] = [];
  const context: WebCtx['context'] = async (o = {}) => {
    const c = await browser.newContext({
      baseURL: ctx.base,
      locale: o.lang === 'en' ? 'en-GB' : 'ru-RU',
      timezoneId: 'Europe/Moscow',
      viewport: o.phone ? { width: 375, height: 740 } : { width: 1366, height: 860 },
      isMobile: !!o.phone,
    });
    // the app reads its language from localStorage first
    await c.addInitScript(`try { localStorage.setItem('slovo.lang', ${JSON.stringify(o.lang ?? 'ru')}) } catch {}`);
    contexts.push(c);
    return c;
  };
  const signIn: WebCtx['signIn'] = async (role, o = {}) => {
    const u = await ctx.createUser(role, { email: o.email });
    const page = await (await context({ lang: o.lang })).newPage();
    await page.goto('/');
    await page.locator('input[name=email]').fill(u.email);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.locator('.topbar').waitFor();
    return { page, userId: u.id, email: u.email };
  };
  const step: WebCtx['step'] = async (name, fn) => {
    try {
      return await fn();
    } catch (e) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      let i = 0;
      for (const c of contexts) for (const p of c.pages()) {
        await p.screenshot({ path: path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '_')}-${i++}.png`), fullPage: true }).catch(() => {});
      }
      throw e;
    }
  };
  return {
    ...ctx, browser, context, signIn, step,
    closeAll: async () => {
      await browser.close().catch(() => {});
      fs.rmSync(userDir, { recursive: true, force: true });
      await ctx.close();
    },
  };
}

/** Collects page errors and CSP violations; tests assert the list stays empty. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}
