/** Builds DOM elements from text only (never parsed as HTML), for the demo pages. */

/** An element with a class and text content. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}
