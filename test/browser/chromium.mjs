/**
 * Which Chromium the suite drives. No browser is downloaded: `CHROMIUM_PATH`, else Debian's
 * /usr/bin/chromium (what .ci/run installs). Flags keep Chromium off the network at start-up;
 * nothing here weakens web security or site isolation.
 */
// @ts-check
import { existsSync } from 'node:fs';

/** @returns {string} */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p) => Boolean(p) && existsSync(/** @type {string} */ (p)));
  if (!found) {
    throw new Error('No Chromium found. Install one (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.');
  }
  return found;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
