/**
 * Reports an exception thrown by a caller's callback (`onStdout`, `onEvent`, …) the way the page
 * reports its own uncaught errors, without disturbing the run or the sandbox that called it.
 */
export function reportCallbackError(error: unknown): void {
  if (typeof reportError === 'function') reportError(error);
  else
    setTimeout(() => {
      throw error;
    });
}
