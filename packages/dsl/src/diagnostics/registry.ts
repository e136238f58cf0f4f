// The one registry of diagnostic codes: every code tdl reports, with its severity and a title.
// docs/diagnostics.md has an entry for each code; a test keeps the two in step.

export type Severity = 'error' | 'warning';

export interface DiagnosticKind {
  readonly severity: Severity;
  readonly title: string;
}

/** E01xx: lexing and parsing. */
const syntax = {
  E0101: { severity: 'error', title: 'unexpected character' },
  E0102: { severity: 'error', title: 'unterminated string' },
  E0103: { severity: 'error', title: 'unexpected token' },
  E0104: { severity: 'error', title: 'expected one of several forms' },
  E0105: { severity: 'error', title: 'expected at least one item' },
  E0106: { severity: 'error', title: 'too many syntax errors' },
  E0107: { severity: 'error', title: 'malformed number' },
  E0108: { severity: 'error', title: 'no model in file' },
  E0109: { severity: 'error', title: 'duplicate declaration' },
  E0110: { severity: 'error', title: 'misspelt keyword' },
  E0111: { severity: 'error', title: 'unclosed brace' },
  E0112: { severity: 'error', title: 'nesting too deep' },
} as const;

/** E02xx: names, constants, arguments and blocks. */
const names = {
  E0201: { severity: 'error', title: 'unknown name' },
  E0202: { severity: 'error', title: 'unknown operator or block' },
  E0203: { severity: 'error', title: 'unknown argument' },
  E0204: { severity: 'error', title: 'missing argument' },
  E0205: { severity: 'error', title: 'argument given twice' },
  E0206: { severity: 'error', title: 'wrong kind of value' },
  E0207: { severity: 'error', title: 'name defined twice' },
  E0208: { severity: 'error', title: 'parameter path used twice' },
  E0209: { severity: 'error', title: 'not an integer' },
  E0210: { severity: 'error', title: 'arithmetic error in a constant' },
  E0211: { severity: 'error', title: 'block calls itself' },
  E0212: { severity: 'error', title: 'too many positional arguments' },
  E0213: { severity: 'error', title: 'invalid --set override' },
  E0214: { severity: 'error', title: 'value out of range' },
  E0215: { severity: 'error', title: 'unsupported input' },
  E0216: { severity: 'error', title: 'malformed expectation' },
} as const;

/** E03xx: shapes. */
const shapes = {
  E0301: { severity: 'error', title: 'operands have different widths' },
  E0302: { severity: 'error', title: 'input width does not match the weight' },
  E0303: { severity: 'error', title: 'heads do not divide the width' },
  E0304: { severity: 'error', title: 'kv_heads do not divide heads' },
  E0305: { severity: 'error', title: 'rotary dimension is odd or not positive' },
  E0306: { severity: 'error', title: 'rotary dimension larger than the head dimension' },
  E0307: { severity: 'error', title: 'operands have different lengths' },
  E0308: { severity: 'error', title: 'repeat body changes the shape of a carried value' },
  E0309: { severity: 'error', title: 'expected a token-id tensor' },
  E0310: { severity: 'error', title: 'expected a float tensor' },
  E0312: { severity: 'error', title: 'attention keys and values differ in length' },
  E0313: { severity: 'error', title: 'causal mask across a memory input' },
  E0314: { severity: 'error', title: 'tied head does not match the embedding' },
  E0315: { severity: 'error', title: 'output is not [T, vocab] logits' },
  E0316: { severity: 'error', title: 'attention queries come from the memory' },
  E0317: { severity: 'error', title: 'non-causal self-attention' },
  E0318: { severity: 'error', title: 'sinusoidal width is odd' },
  E0319: { severity: 'error', title: 'position encoding across a memory' },
  E0320: { severity: 'error', title: 'head tied to something other than an embedding' },
  E0321: { severity: 'error', title: 'keys and values from different streams' },
  E0322: { severity: 'error', title: 'logits width differs from the token embedding' },
  E0323: { severity: 'error', title: 'more parameters than counts hold exactly' },
} as const;

/** W04xx: warnings: unused things, settings that have no effect. */
const warnings = {
  W0401: { severity: 'warning', title: 'unused input' },
  W0402: { severity: 'warning', title: 'unused value' },
  W0403: { severity: 'warning', title: 'unused constant' },
  W0404: { severity: 'warning', title: 'unused block parameter' },
  W0405: { severity: 'warning', title: 'sliding window covers the whole context' },
} as const;

/** E05xx: checkpoint naming sections. */
const checkpoints = {
  E0501: { severity: 'error', title: 'mapping names no parameter' },
  E0502: { severity: 'error', title: 'parameter mapped twice' },
  E0503: { severity: 'error', title: 'parameter not mapped' },
  E0504: { severity: 'error', title: 'mapping shapes disagree' },
  E0505: { severity: 'error', title: 'unknown layout transform' },
  E0506: { severity: 'error', title: 'placeholder not bound by the target' },
  E0507: { severity: 'error', title: 'invalid mapping argument' },
  E0508: { severity: 'error', title: 'checkpoint section name taken' },
} as const;

/** E06xx: config.json sections and presets. */
const settings = {
  E0601: { severity: 'error', title: 'config rule or preset sets no constant' },
  E0602: { severity: 'error', title: 'invalid config rule' },
  E0603: { severity: 'error', title: 'invalid preset' },
} as const;

export const DIAGNOSTICS = { ...syntax, ...names, ...shapes, ...warnings, ...checkpoints, ...settings } as const satisfies Record<
  string,
  DiagnosticKind
>;

export type DiagnosticCode = keyof typeof DIAGNOSTICS;

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTICS, code);
}
