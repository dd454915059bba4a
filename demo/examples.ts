/** Example programs for the playground, by language, each showing one thing the sandbox does. */
import type { Language } from '../dist/index.js';

export const EXAMPLES: Record<Language, Record<string, string>> = {
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
    'Network attempt': `// The sandbox has no network unless the page grants it.
try {
  await fetch('https://example.com');
  'reached the network';
} catch (error) {
  \`blocked: \${error.message}\`;
}`,
    'Host access attempt': `[typeof document, typeof window, typeof parent, typeof localStorage, typeof importScripts]`,
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
    'Chart and rich outputs': `# display() shows anything with a _repr_svg_/_repr_png_/_repr_html_/_repr_markdown_ method.
import struct, zlib

class SVG:
    def __init__(self, markup): self.markup = markup
    def _repr_svg_(self): return self.markup

class PNG:
    def __init__(self, data): self.data = data
    def _repr_png_(self): return self.data

class HTML:
    def __init__(self, markup): self.markup = markup
    def _repr_html_(self): return self.markup

class Markdown:
    def __init__(self, text): self.text = text
    def _repr_markdown_(self): return self.text

# A bar chart, drawn as SVG.
sales = {"Mon": 12, "Tue": 19, "Wed": 7, "Thu": 15, "Fri": 22}
bars = "".join(
    f'<rect x="{20 + i * 56}" y="{130 - v * 5}" width="40" height="{v * 5}" rx="4" fill="#4c6ef5"/>'
    f'<text x="{40 + i * 56}" y="148" font-size="12" text-anchor="middle">{day}</text>'
    for i, (day, v) in enumerate(sales.items())
)
display(SVG(f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="160">{bars}</svg>'))

# A PNG made byte by byte: the Mandelbrot set.
def png(width, height, pixel):
    rows = b"".join(b"\\0" + bytes(c for x in range(width) for c in pixel(x, y)) for y in range(height))
    chunk = lambda tag, data: struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")

def mandelbrot(x, y):
    c, z = complex(-2.2 + 3.0 * x / 150, -1.0 + 2.0 * y / 100), 0
    for i in range(30):
        z = z * z + c
        if abs(z) > 2:
            return (255 - i * 8, 120 + i * 4, 60 + i * 6)
    return (20, 20, 40)

display(PNG(png(150, 100, mandelbrot)))
display(HTML("<table><tr><th>day</th><th>sales</th></tr>" + "".join(f"<tr><td>{d}</td><td>{v}</td></tr>" for d, v in sales.items()) + "</table>"))
display(Markdown(f"**Best day:** {max(sales, key=sales.get)} with *{max(sales.values())}* sales"))`,
    'Error with a traceback': `def parse(text):
    return int(text)

def total(items):
    return sum(parse(item) for item in items)

total(["1", "2", "forty-two"])`,
    'Streaming output': `import time
for i in range(1, 6):
    print(f"step {i} of 5", flush=True)
    time.sleep(0.4)
"done"`,
    'Infinite loop (timeout)': `n = 0
while True:
    n += 1`,
    'Memory bomb': `chunks = []
while True:
    chunks.append(bytearray(10 * 1024 * 1024))`,
    'Files in and out': `# Files you upload appear in the working folder; files written here can be downloaded
# from the Files panel.
import csv, json, os

with open("scores.csv", "w") as f:
    f.write("name,score\\nann,3\\nbob,5\\ncy,4\\n")
with open("scores.csv") as f:
    rows = list(csv.DictReader(f))
with open("summary.json", "w") as f:
    json.dump({"best": max(rows, key=lambda r: int(r["score"]))["name"], "count": len(rows)}, f)
sorted(os.listdir("."))`,
    'Network attempt': `# The sandbox has no network unless the page grants it.
from pyodide.http import pyfetch
try:
    await pyfetch("https://example.com")
    result = "reached the network"
except Exception as error:
    result = f"blocked: {type(error).__name__}: {error}"
result`,
  },
};

/** The example shown first. */
export const FIRST_EXAMPLE = 'Hello world';

/** The chart example with the real data stack, offered when packages come from the Pyodide CDN. */
export const PANDAS_CHART = `# With "Packages from the Pyodide CDN" on, these imports are installed before the run.
import pandas as pd
import matplotlib.pyplot as plt

sales = pd.DataFrame({"day": ["Mon", "Tue", "Wed", "Thu", "Fri"], "sales": [12, 19, 7, 15, 22]})
display(sales.describe())
sales.plot(x="day", y="sales", kind="bar", legend=False, title="Sales by day", color="#4c6ef5")
plt.show()  # the figure becomes a PNG output
sales["sales"].sum()`;

/** The name of the example that becomes {@link PANDAS_CHART} with the packages opt-in. */
export const CHART_EXAMPLE = 'Chart and rich outputs';

/** An example's code: the chart uses pandas and matplotlib when packages come from the CDN. */
export function exampleCode(language: Language, name: string, withPackages: boolean): string | undefined {
  if (language === 'python' && name === CHART_EXAMPLE && withPackages) return PANDAS_CHART;
  return EXAMPLES[language][name];
}
