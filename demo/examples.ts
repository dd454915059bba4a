/** Example programs for the playground, by language, each showing one thing the sandbox does. */
export const EXAMPLES: Record<'javascript' | 'python', Record<string, string>> = {
  javascript: {
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
  },
  python: {
    'Hello world': `import sys
print("Hello from", sys.implementation.name, sys.version.split()[0])
squares = [n * n for n in range(1, 5)]
{"squares": squares, "total": sum(squares)}`,
    'Streaming output': `import time
for i in range(1, 6):
    print(f"step {i} of 5", flush=True)
    time.sleep(0.4)
"done"`,
    'Rich output (display)': `class Badge:
    def __init__(self, text):
        self.text = text
    def _repr_svg_(self):
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><rect width="160" height="40" rx="8" fill="#3b5bdb"/><text x="80" y="26" fill="white" font-size="16" text-anchor="middle">{self.text}</text></svg>'

display(Badge("ai-sandbox"))
Badge("last expression")`,
    'Error with a traceback': `def parse(text):
    return int(text)

parse("forty-two")`,
    'Infinite loop (timeout)': `n = 0
while True:
    n += 1`,
    'Memory bomb': `chunks = []
while True:
    chunks.append(bytearray(10 * 1024 * 1024))`,
    'Files in and out': `import csv, json
with open("data.csv", "w") as f:
    f.write("name,score\nann,3\nbob,5\n")
with open("data.csv") as f:
    rows = list(csv.DictReader(f))
with open("summary.json", "w") as f:
    json.dump({"best": max(rows, key=lambda r: int(r["score"]))["name"]}, f)
import os
os.listdir(".")`,
    'Network attempt': `import js
try:
    js.fetch("https://example.com")
    result = "reached"
except Exception as error:
    result = f"blocked: {type(error).__name__}"
result`,
  },
};
