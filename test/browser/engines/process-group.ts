/**
 * Helper processes the browser suite starts itself (Xvfb, WebKitWebDriver), each in a process
 * group of its own, so that stopping one also stops what it started (MiniBrowser and WebKit's
 * network and web processes) and nothing outlives the run. A plain `kill()` was not enough:
 * after a run, WebKitWebDriver, its WebKit processes and Xvfb were seen still alive, orphaned,
 * and a CI runner that waits for the processes it started then waits until its own timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts `command` with no stdio in a new process group, killed at the latest when this process exits. */
export function spawnGroup(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  // Detached, it must not keep this process alive by itself.
  child.unref();
  return child;
}

/** Stops the group: SIGTERM, then SIGKILL for whatever is left after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 2_000): Promise<void> {
  killGroup(child, 'SIGTERM');
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  // The leader may be gone while processes it started still hold the group.
  killGroup(child, 'SIGKILL');
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is empty.
  }
}

/** Starts Xvfb on `display` (":99") for WebKitGTK's MiniBrowser and sets `DISPLAY` for this process. */
export async function startXvfb(display: string): Promise<ChildProcess> {
  const xvfb = spawnGroup('Xvfb', [display, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp']);
  await new Promise<void>((resolve, reject) => {
    xvfb.once('error', (error) => reject(new Error(`WebKit needs an X display and Xvfb did not start (Debian: apt-get install -y xvfb): ${error.message}`)));
    setTimeout(resolve, 500);
  });
  process.env.DISPLAY = display;
  return xvfb;
}
