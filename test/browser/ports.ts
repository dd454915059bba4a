/** Loopback ports of the test servers (see global-setup.ts). */
export const PORTS = { coi: 4610, plain: 4611, csp: 4612, canary: 4619, echo: 4620, webdriver: 4630 } as const;
export const CANARY = `http://127.0.0.1:${PORTS.canary}`;
/** A server the network tests allow; see startEcho. */
export const ECHO = `http://127.0.0.1:${PORTS.echo}`;
