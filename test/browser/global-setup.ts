/**
 * Starts the static servers of the three host setups and the canary for the whole browser run,
 * the fixture apps (built by Vite, webpack and Next.js, for bundlers.spec.ts), the test package index, and an X display (Xvfb) for WebKitGTK's MiniBrowser when WebKit is in the run and none is set.
 */
import type { Server } from 'node:http';
import type { FullConfig } from '@playwright/test';
import { startCanary, startEcho, startStaticServer } from '../server/static-server.mjs';
import { startXvfb, stopGroup } from './engines/process-group.js';
import { PORTS } from './ports.js';
import { buildApps } from '../fixtures/build-apps.js';
import { buildPackageIndex } from '../fixtures/package-index.js';

/** Display number used for Xvfb when the suite starts one. */
const DISPLAY = ':99';

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  await buildApps();
  await buildPackageIndex();
  const servers: Server[] = await Promise.all([
    startStaticServer('coi', PORTS.coi),
    startStaticServer('plain', PORTS.plain),
    startStaticServer('csp', PORTS.csp),
    startCanary(PORTS.canary),
    startEcho(PORTS.echo),
  ]);
  const needsDisplay = config.projects.some((p) => p.use.browserName === 'webkit') && !process.env.DISPLAY;
  const xvfb = needsDisplay ? await startXvfb(DISPLAY) : undefined;
  return async () => {
    if (xvfb) await stopGroup(xvfb);
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };
}
