/**
 * Starts the static servers of the three host setups and the canary for the whole browser run,
 * and an X display (Xvfb) for WebKitGTK's MiniBrowser when WebKit is in the run and none is set.
 */
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { FullConfig } from '@playwright/test';
import { startCanary, startEcho, startStaticServer } from '../server/static-server.mjs';
import { spawnGroup, stopGroup } from './engines/process-group.js';
import { PORTS } from './ports.js';

/** Display number used for Xvfb when the suite starts one. */
const DISPLAY = ':99';

async function startXvfb(): Promise<ChildProcess> {
  const xvfb = spawnGroup('Xvfb', [DISPLAY, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp']);
  await new Promise<void>((resolve, reject) => {
    xvfb.once('error', (error) => reject(new Error(`WebKit needs an X display and Xvfb did not start (Debian: apt-get install -y xvfb): ${error.message}`)));
    setTimeout(resolve, 500);
  });
  process.env.DISPLAY = DISPLAY;
  return xvfb;
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const servers: Server[] = await Promise.all([
    startStaticServer('coi', PORTS.coi),
    startStaticServer('plain', PORTS.plain),
    startStaticServer('csp', PORTS.csp),
    startCanary(PORTS.canary),
    startEcho(PORTS.echo),
  ]);
  const needsDisplay = config.projects.some((p) => p.use.browserName === 'webkit') && !process.env.DISPLAY;
  const xvfb = needsDisplay ? await startXvfb() : undefined;
  return async () => {
    if (xvfb) await stopGroup(xvfb);
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };
}
