// The CodeMirror 6 editor on the language service: diagnostics, hover, inlay shapes and formatting.
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, hoverTooltip, keymap, lineNumbers, WidgetType, type DecorationSet } from '@codemirror/view';
import { diagnostics, formatDocument, hover, inlayHints, type Analysis } from '@tdl/language-service';
import { tdlLanguage } from './highlight.js';
import { renderMarkdown } from './markdown.js';

/** What the editor asks of the page: the analysis of a text (computed once per text). */
export type AnalysisOf = (text: string) => Analysis;

class InlayWidget extends WidgetType {
  constructor(readonly label: string) {
    super();
  }
  override eq(other: InlayWidget) {
    return other.label === this.label;
  }
  toDOM() {
    const span = document.createElement('span');
    span.className = 'cm-inlay';
    span.textContent = this.label;
    return span;
  }
}

const setInlays = StateEffect.define<DecorationSet>();
const inlayField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setInlays)) return e.value;
    return value.map(tr.changes);
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Puts the shape hints of `analysis` into the editor (call after each analysis). */
export function showInlays(view: EditorView, analysis: Analysis) {
  if (analysis.text !== view.state.doc.toString()) return;
  const decorations = inlayHints(analysis).map((h) => Decoration.widget({ widget: new InlayWidget(h.label), side: 1 }).range(h.offset));
  view.dispatch({ effects: setInlays.of(Decoration.set(decorations, true)) });
}

/** Replaces the document with its canonical layout; false when it does not parse or is already so. */
export function formatView(view: EditorView, name: string): boolean {
  const text = formatDocument({ name, text: view.state.doc.toString() });
  if (text === undefined) return false;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  return true;
}

export function editorExtensions(name: string, analysisOf: AnalysisOf, onChange: (text: string) => void): Extension[] {
  const lint = linter(
    (view): Diagnostic[] =>
      diagnostics(analysisOf(view.state.doc.toString())).map((d) => ({
        from: d.range.from,
        to: d.range.to,
        severity: d.severity,
        source: d.code,
        message: d.message,
      })),
    { delay: 250 },
  );
  const hovers = hoverTooltip((view, pos) => {
    const h = hover(analysisOf(view.state.doc.toString()), pos);
    if (!h) return null;
    return { pos: h.range.from, end: h.range.to, above: true, create: () => ({ dom: renderMarkdown(h.contents) }) };
  });
  return [
    lineNumbers(),
    history(),
    bracketMatching(),
    tdlLanguage,
    syntaxHighlighting(defaultHighlightStyle),
    lintGutter(),
    lint,
    hovers,
    inlayField,
    keymap.of([{ key: 'Shift-Alt-f', run: (view) => (formatView(view, name), true) }, indentWithTab, ...defaultKeymap, ...historyKeymap]),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) onChange(u.state.doc.toString());
    }),
  ];
}

export function createEditor(parent: HTMLElement, text: string, extensions: Extension[]): EditorView {
  return new EditorView({ parent, state: EditorState.create({ doc: text, extensions }) });
}
