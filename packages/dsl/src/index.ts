// @tdl/dsl: the tdl language front end — lexer, parser, AST, diagnostics, formatter.
export type * from './ast/nodes.js';
export { parse, MAX_SYNTAX_ERRORS, type ParseResult } from './parse.js';
export { format } from './format/format.js';
export * from './span.js';
export * from './diagnostics/diagnostic.js';
export * from './diagnostics/registry.js';
export * from './diagnostics/render.js';
export { closestMatch, editDistance } from './suggest.js';
export { KEYWORD_NAMES } from './syntax/tokens.js';
export { grammarEbnf } from './syntax/grammar-ebnf.js';
