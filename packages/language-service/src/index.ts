// @tdl/language-service: editor features on the compiler's own results, for the LSP server and the
// browser playground alike (no Node.js imports). Offsets are UTF-16 units; ranges are [from, to).
export { analyze, type Analysis, type Range } from './document.js';
export { diagnostics, type EditorDiagnostic } from './diagnostics.js';
export { hover, type Hover } from './hover.js';
export { inlayHints, type InlayHint } from './inlay.js';
export { definition } from './definition.js';
export { documentSymbols, type DocumentSymbol, type SymbolKind } from './symbols.js';
export { formatDocument } from './format.js';
export { complete, enclosingCallee, type CompletionItem, type CompletionKind, type CompletionResult } from './completion.js';
export { approx, bytes, exact, formatInfo } from './info-table.js';
