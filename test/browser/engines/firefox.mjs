// @ts-check
/**
 * Which Firefox the tests drive: `FIREFOX_PATH`, else Debian's Firefox ESR. Playwright starts it
 * through the relay beside this file (see firefox-bidi-relay.mjs), over WebDriver BiDi.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The executable Playwright starts: the relay, which starts Firefox. */
export const FIREFOX_RELAY = fileURLToPath(new URL('./firefox-bidi-relay.mjs', import.meta.url));

/** @returns {string} */
export function firefoxPath() {
  const path = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
  if (!existsSync(path)) throw new Error(`No Firefox at ${path}: install one (Debian: apt-get install -y firefox-esr) or set FIREFOX_PATH`);
  return path;
}
