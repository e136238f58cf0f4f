// Between the language service's offsets and kinds and the Language Server Protocol's positions and enums.
import type { CompletionKind, DocumentSymbol as ServiceSymbol, EditorDiagnostic, Range as ServiceRange, SymbolKind as ServiceSymbolKind } from '@tdl/language-service';
import { CompletionItemKind, DiagnosticSeverity, SymbolKind, type Diagnostic, type DocumentSymbol, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export function toRange(doc: TextDocument, r: ServiceRange): Range {
  return { start: doc.positionAt(r.from), end: doc.positionAt(r.to) };
}

export function toDiagnostic(doc: TextDocument, d: EditorDiagnostic): Diagnostic {
  return {
    range: toRange(doc, d.range),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: 'tdl',
    message: d.message,
    ...(d.related.length
      ? { relatedInformation: d.related.map((n) => ({ location: { uri: doc.uri, range: toRange(doc, n.range) }, message: n.message })) }
      : {}),
  };
}

const SYMBOL_KINDS: Record<ServiceSymbolKind, SymbolKind> = {
  model: SymbolKind.Module,
  constant: SymbolKind.Constant,
  input: SymbolKind.Variable,
  output: SymbolKind.Variable,
  layer: SymbolKind.Field,
  repeat: SymbolKind.Array,
  block: SymbolKind.Function,
  checkpoint: SymbolKind.Namespace,
  config: SymbolKind.Namespace,
  preset: SymbolKind.Constant,
};

export function toSymbol(doc: TextDocument, s: ServiceSymbol): DocumentSymbol {
  return {
    name: s.name,
    kind: SYMBOL_KINDS[s.kind],
    ...(s.detail !== undefined ? { detail: s.detail } : {}),
    range: toRange(doc, s.range),
    selectionRange: toRange(doc, s.selection),
    children: s.children.map((c) => toSymbol(doc, c)),
  };
}

export const COMPLETION_KINDS: Record<CompletionKind, CompletionItemKind> = {
  function: CompletionItemKind.Function,
  argument: CompletionItemKind.Property,
  constant: CompletionItemKind.Constant,
  variable: CompletionItemKind.Variable,
  keyword: CompletionItemKind.Keyword,
  word: CompletionItemKind.EnumMember,
};
