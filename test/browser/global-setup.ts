/**
 * Starts the static servers of the three host setups and the canary for the whole browser run,
 * builds the fixtures the chosen specs use (the apps built by Vite, webpack and Next.js for
 * bundlers.spec.ts, the examples, the adapters' page; the test package index), and starts an X
 * display (Xvfb) for WebKitGTK's MiniBrowser when WebKit is in the run and none is set.
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

/**
 * Whether a spec is in this run: `npx playwright test <filter>…` runs only the spec files whose
 * path a filter matches (as a regular expression), so a single spec does not wait for fixtures
 * it never uses. With no filter, every spec runs.
 */
function inRun(spec: string): boolean {
  const filters = process.argv.slice(process.argv.indexOf('test') + 1).filter((arg, i, args) => !arg.startsWith('-') && !/^(--(project|grep|grep-invert|config|reporter|workers|retries|repeat-each|timeout|max-failures|output|shard)|-[gcj])$/.test(args[i - 1] ?? ''));
  return filters.length === 0 || filters.some((filter) => new RegExp(filter).test(`test/browser/${spec}`));
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  await buildApps({ apps: inRun('bundlers.spec.ts'), examples: inRun('examples.spec.ts'), adapters: inRun('adapters.spec.ts') });
  if (inRun('python-packages.spec.ts') || inRun('frame-boundary.spec.ts')) await buildPackageIndex();
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
