/** Starts the static servers of the three host setups and the canary for the whole browser run. */
import type { Server } from 'node:http';
import { startCanary, startEcho, startStaticServer } from '../server/static-server.mjs';
import { PORTS } from './ports.js';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const servers: Server[] = await Promise.all([
    startStaticServer('coi', PORTS.coi),
    startStaticServer('plain', PORTS.plain),
    startStaticServer('csp', PORTS.csp),
    startCanary(PORTS.canary),
    startEcho(PORTS.echo),
  ]);
  return async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };
}
