/**
 * The chat demo's scripted conversation. Assistant messages carry fenced code blocks (each gets a
 * Run button) and one `run_code` tool call, as a model using `ai-sandbox/tool` would send it.
 */
import type { RunCodeArguments } from '../dist/tool.js';

/** One turn: text with fenced code blocks, or a tool call the assistant makes. */
export type Turn =
  | { role: 'user' | 'assistant'; text: string }
  | { role: 'assistant'; toolCall: { id: string; arguments: RunCodeArguments }; intro: string };

export const CONVERSATION: Turn[] = [
  { role: 'user', text: 'How fast do the Fibonacci numbers grow? Show me the first twenty and the ratio between neighbours.' },
  {
    role: 'assistant',
    text: `They grow exponentially: the ratio of neighbours tends to the golden ratio, about 1.618. Run this to see it:

\`\`\`python
fib = [0, 1]
while len(fib) < 20:
    fib.append(fib[-1] + fib[-2])
print(*fib)
ratios = [b / a for a, b in zip(fib[2:], fib[3:])]
round(ratios[-1], 6)
\`\`\`

The last ratio is printed as the cell's value. \`fib\` stays defined for the next block.`,
  },
  { role: 'user', text: 'Can you chart them?' },
  {
    role: 'assistant',
    text: `Here is a bar chart drawn as SVG with \`display()\`, using the \`fib\` list from before (run the block above first):

\`\`\`python
bars = "".join(
    f'<rect x="{8 + i * 15}" y="{190 - v * 180 / fib[-1]:.1f}" width="11" height="{v * 180 / fib[-1]:.1f}" rx="2" fill="#4c6ef5"/>'
    for i, v in enumerate(fib)
)
class Chart:
    def _repr_svg_(self):
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="316" height="196">{bars}</svg>'
display(Chart())
\`\`\``,
  },
  { role: 'user', text: 'Different question: are the totals in this order right? items: 2 × 4.99 and 3 × 12.50, total 47.48.' },
  {
    role: 'assistant',
    intro: 'I will check with the run_code tool.',
    toolCall: {
      id: 'call_1',
      arguments: {
        language: 'javascript',
        code: `const items = [{ qty: 2, price: 4.99 }, { qty: 3, price: 12.5 }];
const cents = items.reduce((sum, { qty, price }) => sum + qty * Math.round(price * 100), 0);
console.log('computed:', (cents / 100).toFixed(2));
({ computed: cents / 100, stated: 47.48, matches: cents === 4748 })`,
      },
    },
  },
  {
    role: 'assistant',
    text: `The tool says the items add up to 47.48, so the stated total is right. (I counted in cents to avoid floating-point rounding.)

When code fails, the model gets the error and the offending line back, and can fix it:

\`\`\`javascript
const order = JSON.parse('{"items": [1, 2, 3]}');
order.items.map((n) => n * 2).sum();
\`\`\``,
  },
];
