import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (installed by `.ci/run` when missing; nothing downloads a browser). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Headless Chromium as these machines allow it: no sandbox (root), no GPU, and none of the
 * background connections a closed network refuses by the dozen.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Every response of the API a page got with a 4xx or 5xx status, as `METHOD path → status`. */
export function refusedRequests(page: Page, apiUrl: string): string[] {
  const refused: string[] = [];
  page.on('response', (res) => {
    if (res.url().startsWith(apiUrl) && res.status() >= 400) refused.push(`${res.request().method()} ${res.url().slice(apiUrl.length)} → ${res.status()}`);
  });
  return refused;
}
