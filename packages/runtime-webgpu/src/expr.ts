// Plan expressions (sizes and workgroup counts, see PlanExpr): parsed once into functions of the symbols.

export interface Symbols {
  /** Rows run in this call. */
  readonly R: number;
  /** Tokens already in the KV cache. */
  readonly past: number;
  /** Rows of the memory. */
  readonly S: number;
  /** Rows of the tail: 1, or R when every row's logits are wanted. */
  readonly tail: number;
}

export type CompiledExpr = (symbols: Symbols) => number;

const SYMBOLS = new Set(['R', 'past', 'S', 'tail']);
const FUNCTIONS: Record<string, (a: number, b: number) => number> = {
  ceildiv: (a, b) => Math.ceil(a / b),
  min: Math.min,
  max: Math.max,
};

/** Parses `ceildiv(R * 768, 256)` and the like; throws on anything else (a plan the compiler did not write). */
export function compileExpr(text: string): CompiledExpr {
  const body = text.trim();
  const tokens = body.match(/\s*([A-Za-z_]\w*|\d+|[-+*(),])/gy);
  if (!tokens || tokens.join('').length !== body.length) throw new Error(`invalid plan expression '${text}'`);
  const items = tokens.map((t) => t.trim());
  let at = 0;
  const fail = (): never => {
    throw new Error(`invalid plan expression '${text}'`);
  };
  const expect = (t: string) => (items[at] === t ? at++ : fail());

  const sum = (): CompiledExpr => {
    let left = product();
    while (items[at] === '+' || items[at] === '-') {
      const op = items[at++];
      const a = left;
      const b = product();
      left = op === '+' ? (s) => a(s) + b(s) : (s) => a(s) - b(s);
    }
    return left;
  };
  const product = (): CompiledExpr => {
    let left = factor();
    while (items[at] === '*') {
      at++;
      const a = left;
      const b = factor();
      left = (s) => a(s) * b(s);
    }
    return left;
  };
  const factor = (): CompiledExpr => {
    const t = items[at++] ?? fail();
    if (/^\d+$/.test(t)) {
      const n = Number(t);
      return () => n;
    }
    if (t === '(') {
      const inner = sum();
      expect(')');
      return inner;
    }
    if (SYMBOLS.has(t)) {
      const key = t as keyof Symbols;
      return (s) => s[key];
    }
    const fn = FUNCTIONS[t] ?? fail();
    expect('(');
    const a = sum();
    expect(',');
    const b = sum();
    expect(')');
    return (s) => fn(a(s), b(s));
  };

  const result = sum();
  if (at !== items.length) fail();
  return result;
}
