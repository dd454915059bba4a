/** Example programs for the playground, each showing one thing the sandbox does. */
export const EXAMPLES: Record<string, string> = {
  'Hello world': `console.log('Hello from QuickJS!');
const squares = [1, 2, 3, 4].map((n) => n * n);
({ squares, total: squares.reduce((a, b) => a + b) })`,
  'Streaming output': `for (let i = 1; i <= 5; i++) {
  console.log(\`step \${i} of 5\`);
  await new Promise((r) => setTimeout(r, 400));
}
'done'`,
  'Error with a line': `function parse(text) {
  return JSON.parse(text);
}
parse('{ not json');`,
  'Infinite loop (timeout)': `let n = 0;
while (true) n++;`,
  'Memory bomb': `const hog = [];
while (true) hog.push({ filler: 'x'.repeat(64) });`,
  'Network attempt': `[typeof fetch, typeof XMLHttpRequest, typeof WebSocket, typeof importScripts]`,
  'Host access attempt': `[typeof document, typeof window, typeof parent, typeof localStorage]`,
  'Web APIs': `const url = new URL('https://example.com/search?q=sandbox');
url.searchParams.set('page', '2');
({
  url: url.href,
  bytes: new TextEncoder().encode('héllo').length,
  base64: btoa('hello'),
  uuid: crypto.randomUUID(),
})`,
};
