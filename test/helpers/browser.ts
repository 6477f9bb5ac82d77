/**
 * A real browser for the tests: Debian's chromium (installed by scripts/install-test-deps.sh), driven
 * headless by playwright-core. The flags are the ones this machine needs: --no-sandbox as root, and the
 * background-networking, sync and component-update flags off (else Chromium dials Google's hosts and the
 * closed network refuses it, many times a second). Playwright gives every launch a fresh profile.
 * `openBrowser()` registers nothing global: the caller closes what it opened (`after(() => browser.close())`).
 */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.ENCHUFE_CHROMIUM ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** Starts a headless Chromium; close it with `browser.close()`. */
export async function openBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
