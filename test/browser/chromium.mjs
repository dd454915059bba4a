// @ts-check
/**
 * Which Chromium the tests and the bench drive. Nothing is downloaded at test time:
 * `CHROMIUM_PATH`, else a system Chromium (Debian's `chromium`, which .ci/run installs), else the
 * Chromium that the `@sparticuz/chromium` dev dependency carries inside its npm package, so that
 * `npm install && npm test` also works on a fresh Linux x64 machine with no browser.
 * Only our own flags are passed: never that package's default args, which switch off web
 * security and site isolation and would void every isolation test.
 */
import { existsSync } from 'node:fs';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** @returns {Promise<string>} */
export async function chromiumPath() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const system = SYSTEM.find((p) => existsSync(p));
  if (system) return system;
  try {
    const { default: packaged } = await import('@sparticuz/chromium');
    return await packaged.executablePath();
  } catch (error) {
    throw new Error(
      `No Chromium found: set CHROMIUM_PATH, install one (Debian: apt-get install -y chromium), or keep the @sparticuz/chromium dev dependency (${String(error)})`,
    );
  }
}

/** Keep Chromium off the network at start-up; nothing here weakens web security or site isolation. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
