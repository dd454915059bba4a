/**
 * Light and dark themes: the visitor's choice (kept in localStorage), else the system's. The
 * choice is `data-theme` on the root element, which the stylesheet keys its colours on.
 */
export type Theme = 'light' | 'dark';

const KEY = 'ai-sandbox-demo:theme';

function stored(): Theme | undefined {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The theme in force. */
export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

/**
 * Applies the stored or system theme and wires `toggle` to switch it; `onChange` hears every
 * change (e.g. to restyle the editor).
 */
export function setUpTheme(toggle: HTMLButtonElement, onChange?: (theme: Theme) => void): Theme {
  const apply = (theme: Theme) => {
    document.documentElement.dataset.theme = theme;
    toggle.textContent = theme === 'dark' ? '☀︎ Light' : '☾ Dark';
    toggle.setAttribute('aria-label', `Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme`);
    onChange?.(theme);
  };
  apply(stored() ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  toggle.addEventListener('click', () => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Storage may be off; the choice then lasts for this page only.
    }
    apply(next);
  });
  return currentTheme();
}
