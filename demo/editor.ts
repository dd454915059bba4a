/**
 * The playground's code editor: CodeMirror 6 with JavaScript and Python modes, light and dark
 * themes, Ctrl/Cmd+Enter to run, and a marker on the line an error points at.
 */
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { Compartment, EditorState, Prec, StateEffect, StateField } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { Decoration, EditorView, keymap, type DecorationSet } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import type { Language } from '../dist/index.js';

/** Sets (a 1-based line number) or clears (null) the error marker. */
const markError = StateEffect.define<number | null>();

/** The error marker: a highlighted line, cleared as soon as the code changes. */
const errorLine = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = tr.docChanged ? Decoration.none : marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(markError)) continue;
      if (effect.value === null || effect.value > tr.state.doc.lines) next = Decoration.none;
      else next = Decoration.set([Decoration.line({ class: 'cm-error-line' }).range(tr.state.doc.line(effect.value).from)]);
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** A CodeMirror editor with the playground's settings. */
export class CodeEditor {
  readonly view: EditorView;
  private readonly languageMode = new Compartment();
  private readonly themeMode = new Compartment();

  constructor(parent: HTMLElement, options: { onRun: () => void; onChange: () => void; dark: boolean }) {
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        extensions: [
          basicSetup,
          Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (options.onRun(), true) }])),
          this.languageMode.of(javascript()),
          this.themeMode.of(options.dark ? oneDark : []),
          errorLine,
          EditorView.updateListener.of((update) => update.docChanged && options.onChange()),
          EditorView.contentAttributes.of({ 'aria-label': 'Code', 'data-testid': 'editor' }),
        ],
      }),
    });
  }

  get code(): string {
    return this.view.state.doc.toString();
  }

  /** Replaces the code (and clears the error marker). */
  setCode(code: string): void {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: code }, selection: { anchor: 0 } });
  }

  setLanguage(language: Language): void {
    this.view.dispatch({ effects: this.languageMode.reconfigure(language === 'python' ? python() : javascript()) });
  }

  setDark(dark: boolean): void {
    this.view.dispatch({ effects: this.themeMode.reconfigure(dark ? oneDark : []) });
  }

  /** Marks the line an error points at and scrolls to it; null clears the marker. */
  markErrorLine(line: number | null): void {
    const effects: StateEffect<unknown>[] = [markError.of(line)];
    if (line !== null && line <= this.view.state.doc.lines) effects.push(EditorView.scrollIntoView(this.view.state.doc.line(line).from, { y: 'center' }));
    this.view.dispatch({ effects });
  }

  focus(): void {
    this.view.focus();
  }
}
