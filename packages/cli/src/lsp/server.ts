// The tdl language server: LSP requests answered by @tdl/language-service on the open documents.
import * as service from '@tdl/language-service';
import type { ConstantValue } from '@tdl/compiler';
import { MarkupKind, TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { COMPLETION_KINDS, toDiagnostic, toRange, toSymbol } from './convert.js';

export interface ServerOptions {
  /** Constant overrides (`--set`) applied to every document. */
  readonly overrides?: Readonly<Record<string, ConstantValue>>;
  readonly version: string;
}

/** Wires the handlers to a connection and starts listening; the connection ends the process on `exit`. */
export function startServer(connection: Connection, options: ServerOptions) {
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, { version: number; analysis: service.Analysis }>();

  /** The compiler's view of a document, recomputed once per version. */
  const analysisOf = (uri: string): { doc: TextDocument; analysis: service.Analysis } | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const hit = cache.get(uri);
    if (hit && hit.version === doc.version) return { doc, analysis: hit.analysis };
    const analysis = service.analyze(uri, doc.getText(), { overrides: options.overrides ?? {} });
    cache.set(uri, { version: doc.version, analysis });
    return { doc, analysis };
  };

  connection.onInitialize(
    (): InitializeResult => ({
      serverInfo: { name: 'tdl', version: options.version },
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        inlayHintProvider: true,
        completionProvider: { triggerCharacters: ['(', ',', ' '] },
      },
    }),
  );

  documents.onDidChangeContent(({ document }) => {
    const found = analysisOf(document.uri);
    if (!found) return;
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: service.diagnostics(found.analysis).map((d) => toDiagnostic(found.doc, d)) });
  });
  documents.onDidClose(({ document }) => {
    cache.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onHover(({ textDocument, position }) => {
    const found = analysisOf(textDocument.uri);
    const h = found && service.hover(found.analysis, found.doc.offsetAt(position));
    return h ? { range: toRange(found.doc, h.range), contents: { kind: MarkupKind.Markdown, value: h.contents } } : null;
  });

  connection.languages.inlayHint.on(({ textDocument, range }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return [];
    const within = { from: found.doc.offsetAt(range.start), to: found.doc.offsetAt(range.end) };
    return service.inlayHints(found.analysis, within).map((h) => ({ position: found.doc.positionAt(h.offset), label: h.label, paddingLeft: true }));
  });

  connection.onDefinition(({ textDocument, position }) => {
    const found = analysisOf(textDocument.uri);
    const r = found && service.definition(found.analysis, found.doc.offsetAt(position));
    return r ? { uri: textDocument.uri, range: toRange(found.doc, r) } : null;
  });

  connection.onDocumentSymbol(({ textDocument }) => {
    const found = analysisOf(textDocument.uri);
    return found ? service.documentSymbols(found.analysis).map((s) => toSymbol(found.doc, s)) : [];
  });

  connection.onDocumentFormatting(({ textDocument }) => {
    const found = analysisOf(textDocument.uri);
    const text = found && service.formatDocument(found.analysis);
    return text === undefined || !found ? [] : [{ range: toRange(found.doc, { from: 0, to: found.doc.getText().length }), newText: text }];
  });

  connection.onCompletion(({ textDocument, position }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return [];
    const offset = found.doc.offsetAt(position);
    const { from, items } = service.complete(found.analysis, offset);
    const range = toRange(found.doc, { from, to: offset });
    return items.map((i) => ({
      label: i.label,
      kind: COMPLETION_KINDS[i.kind],
      ...(i.detail !== undefined ? { detail: i.detail } : {}),
      ...(i.documentation !== undefined ? { documentation: { kind: MarkupKind.Markdown, value: i.documentation } } : {}),
      textEdit: { range, newText: i.insert ?? i.label },
    }));
  });

  documents.listen(connection);
  connection.listen();
}
