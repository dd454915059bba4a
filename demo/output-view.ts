/**
 * Shows a run in a panel, as the playground and the chat demo do: stdout and stderr as they
 * stream, then rich outputs, the value and the error. Guest-made HTML, SVG and markdown never
 * reach the page's DOM: they render in a frame without scripts or network, or as an image.
 */
import { marked } from 'marked';
import type { RunResult } from '../dist/index.js';
import { utf8ToBase64 } from './base64.js';

/**
 * The policy every rendered output runs under: no scripts, no network (so rendered HTML cannot
 * send what the guest computed anywhere), images only from data: URLs, inline styles allowed.
 */
const OUTPUT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";

const OUTPUT_STYLE =
  'body{font:14px/1.5 system-ui,sans-serif;margin:8px;color:#1d1d1f;background:#fff}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}pre,code{font-family:ui-monospace,monospace}img{max-width:100%}';

/** A frame that shows `html` with no scripts, no same-origin access and no network. */
function inertFrame(html: string, title: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', '');
  frame.className = 'rich';
  frame.title = title;
  frame.srcdoc = `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${OUTPUT_CSP}"><style>${OUTPUT_STYLE}</style>${html}`;
  // The frame's content cannot be measured from here (its origin is opaque): guess from its lines
  // and block elements; the reader can resize it.
  const rows = html.split('\n').length + (html.match(/<(tr|p|li|br|h\d|div|pre)\b/gi)?.length ?? 0);
  frame.style.height = `${Math.min(30, Math.max(4, rows * 1.7 + 1.5))}rem`;
  return frame;
}

function image(src: string, alt: string): HTMLImageElement {
  const img = document.createElement('img');
  img.src = src;
  img.alt = alt;
  return img;
}

function pre(text: string, className = ''): HTMLPreElement {
  const el = document.createElement('pre');
  el.className = className;
  el.textContent = text;
  return el;
}

/** One rich output as an element. */
export function renderRichOutput(mime: string, data: string): HTMLElement {
  switch (mime) {
    case 'image/png':
    case 'image/jpeg':
    case 'image/gif':
      return image(`data:${mime};base64,${data}`, 'image output');
    case 'image/svg+xml':
      // As an image, SVG cannot run scripts or load anything.
      return image(`data:image/svg+xml;base64,${utf8ToBase64(data)}`, 'SVG output');
    case 'text/html':
      return inertFrame(data, 'HTML output');
    case 'text/markdown':
      return inertFrame(marked.parse(data, { async: false }), 'markdown output');
    case 'application/json':
      try {
        return pre(JSON.stringify(JSON.parse(data), null, 2), 'value');
      } catch {
        return pre(data, 'value');
      }
    default:
      return pre(data, 'value');
  }
}

/** An output panel for one run at a time. */
export class OutputView {
  private lastStream: string | undefined;

  /** `onLine` is called when the reader clicks the line an error points at. */
  constructor(
    readonly element: HTMLElement,
    private readonly onLine?: (line: number) => void,
  ) {}

  clear(): void {
    this.element.replaceChildren();
    this.lastStream = undefined;
  }

  private label(text: string): void {
    const el = document.createElement('div');
    el.className = 'label';
    el.textContent = text;
    this.element.append(el);
  }

  /** Appends streamed output; consecutive chunks of one stream share a label. */
  stream(kind: 'stdout' | 'stderr', text: string): void {
    if (this.lastStream !== kind) {
      this.label(kind);
      this.element.append(pre('', kind));
      this.lastStream = kind;
    }
    this.element.lastElementChild!.append(text);
  }

  /** A note from the page itself (start failures, restarts). */
  note(text: string, kind: 'error' | 'info' = 'info'): void {
    this.element.append(pre(text, `note ${kind}`));
    this.lastStream = undefined;
  }

  /** Everything a finished run produced, after what it streamed. */
  result(result: RunResult): void {
    this.lastStream = undefined;
    for (const { mime, data } of result.outputs) {
      this.label(mime);
      this.element.append(renderRichOutput(mime, data));
    }
    if (result.text !== undefined) {
      this.label('value');
      this.element.append(pre(result.text, 'value'));
    }
    if (result.error) this.error(result.error);
    if (result.truncated) this.note('Output was cut at its size limit.');
    if (result.stateLost) this.note('The engine was restarted: variables from earlier runs are gone.');
  }

  private error({ name, message, line, stack }: NonNullable<RunResult['error']>): void {
    this.label('error');
    const box = pre(`${name}: ${message}`, 'error');
    if (line) {
      const link = document.createElement('button');
      link.type = 'button';
      link.className = 'line-link';
      link.textContent = `line ${line}`;
      link.addEventListener('click', () => this.onLine?.(line));
      box.append(' ', link);
    }
    this.element.append(box);
    if (stack && stack.trim() !== `${name}: ${message}`) this.element.append(pre(stack, 'stack'));
  }
}
