// The throughput workload: 150 small Python programs of the kind code-evaluation harnesses run
// (string handling, arithmetic, sorting, counting, JSON, regular expressions, recursion), each
// printing its answer. Fifteen shapes, ten sizes each; the same text runs natively and in the sandbox.

/** @type {Array<(n: number) => string>} */
const SHAPES = [
  (n) => `words = ("lorem ipsum dolor sit amet " * ${n}).split()\nprint(len(words), sorted(set(words)))`,
  (n) => `print(sum(i * i for i in range(${n * 1000})))`,
  (n) => `def fib(k):\n    a, b = 0, 1\n    for _ in range(k):\n        a, b = b, a + b\n    return a\nprint(fib(${n * 10}))`,
  (n) => `import json\ndata = {"items": [{"id": i, "tags": ["t" + str(i % 3)]} for i in range(${n * 20})]}\nprint(len(json.dumps(data)), json.loads(json.dumps(data))["items"][-1])`,
  (n) => `import re\ntext = "a1b22c333 " * ${n * 10}\nprint(len(re.findall(r"\\d+", text)), re.sub(r"[a-z]", "", text)[:20])`,
  (n) => `from collections import Counter\nprint(Counter("abracadabra" * ${n}).most_common(3))`,
  (n) => `primes = [p for p in range(2, ${n * 200}) if all(p % d for d in range(2, int(p ** 0.5) + 1))]\nprint(len(primes), primes[-3:])`,
  (n) => `xs = [(i * 7919) % ${n * 100 + 1} for i in range(${n * 100})]\nprint(sorted(xs)[:5], max(xs), min(xs))`,
  (n) => `def is_pal(s):\n    s = "".join(c for c in s.lower() if c.isalnum())\n    return s == s[::-1]\nprint([is_pal(w) for w in ["Racecar", "A man, a plan, a canal: Panama", "python"] * ${n}].count(True))`,
  (n) => `import math\nprint(round(sum(math.sin(i) ** 2 for i in range(${n * 500})), 6), math.gcd(${n * 84}, 126))`,
  (n) => `matrix = [[i * j for j in range(${n + 5})] for i in range(${n + 5})]\nt = list(map(list, zip(*matrix)))\nprint(sum(map(sum, t)), t[-1][-1])`,
  (n) => `from itertools import permutations\nprint(sum(1 for p in permutations(range(${(n % 4) + 4})) if p[0] < p[-1]))`,
  (n) => `def hanoi(k, a="A", b="B", c="C"):\n    return 0 if k == 0 else hanoi(k - 1, a, c, b) + 1 + hanoi(k - 1, c, b, a)\nprint(hanoi(${n + 5}))`,
  (n) => `from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n    y: int\nps = [P(i, -i) for i in range(${n * 50})]\nprint(sum(p.x - p.y for p in ps), ps[-1])`,
  (n) => `stack, ok = [], True\nfor ch in "([]{()})" * ${n * 10}:\n    if ch in "([{":\n        stack.append(ch)\n    elif not stack or "([{"[")]}".index(ch)] != stack.pop():\n        ok = False\nprint(ok and not stack)`,
];

/** 150 programs: every shape at sizes 1 to 10. */
export const PROGRAMS = SHAPES.flatMap((shape) => Array.from({ length: 10 }, (_, i) => shape(i + 1)));
