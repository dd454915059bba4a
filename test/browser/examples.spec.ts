/** The runnable examples (examples/), built by Vite as an app would build them, run and show their outcome. */
// @runs chromium:coi firefox:coi webkit:coi — the isolated page in every engine
import type { Page } from '@playwright/test';
import { appOutput, expect, test } from './helpers.js';

async function outcome(page: Page, name: string): Promise<Record<string, unknown>> {
  await page.goto(`/examples/dist/${name}/index.html`);
  await expect.poll(async () => (await appOutput(page)).status, { timeout: 30_000 }).toMatch(/ok|failed/);
  const { status, text } = await appOutput(page);
  expect(status, text).toBe('ok');
  return JSON.parse(text) as Record<string, unknown>;
}

test('ai-sdk: the mock model calls run_code and answers from its output', async ({ page }) => {
  const out = await outcome(page, 'ai-sdk');
  expect(out.answer).toBe('The sum is 6.');
  expect(out.toolOutput).toMatch(/^status: ok .*\nvalue:\n6$/);
});

test('mcp: a client lists and calls run_code', async ({ page }) => {
  const out = await outcome(page, 'mcp');
  expect(out).toMatchObject({ tools: ['run_code'], isError: false });
  expect(out.text).toMatch(/value:\n'HELLO'$/);
});

test('langchain: a tool call gets a ToolMessage with the value as artifact', async ({ page }) => {
  const out = await outcome(page, 'langchain');
  expect(out).toMatchObject({ type: 'tool', value: 9 });
  expect(out.text).toMatch(/^status: ok/);
});

test('react: the button runs code through useSandbox', async ({ page }) => {
  await page.goto('/examples/dist/react/index.html');
  await expect.poll(() => page.evaluate(() => document.querySelector('#status')?.textContent)).toBe('idle');
  await page.evaluate(() => document.querySelector<HTMLButtonElement>('#run')!.click());
  // Status and output together, so that a failure shows which state the sandbox was left in.
  const shown = () => page.evaluate(() => `${document.querySelector('#status')?.textContent}: ${document.querySelector('#out')?.textContent}`);
  await expect.poll(shown, { timeout: 30_000 }).toBe('ready: [ 0, 1, 4, 9, 16 ]');
});
