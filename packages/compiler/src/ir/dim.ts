// Symbolic dimensions: polynomials over symbols (T, S, …) with integer coefficients, in a normal form
// so that equal dimensions compare equal (`T + 2` and `2 + T`, `2 * (T + 1)` and `2*T + 2`).

/** A monomial is a sorted list of symbol names joined by `*`; the empty string is the constant term. */
export type Dim = ReadonlyMap<string, number>;

function normalize(terms: Map<string, number>): Dim {
  const keys = [...terms.keys()].filter((k) => terms.get(k) !== 0).sort(compareMonomials);
  return new Map(keys.map((k) => [k, terms.get(k)!]));
}

function compareMonomials(a: string, b: string): number {
  const da = a === '' ? 0 : a.split('*').length;
  const db = b === '' ? 0 : b.split('*').length;
  return db - da || a.localeCompare(b);
}

export function constDim(n: number): Dim {
  return normalize(new Map([['', n]]));
}

export function symbolDim(name: string): Dim {
  return new Map([[name, 1]]);
}

export function addDims(a: Dim, b: Dim, sign = 1): Dim {
  const out = new Map(a);
  for (const [k, v] of b) out.set(k, (out.get(k) ?? 0) + sign * v);
  return normalize(out);
}

export function mulDims(a: Dim, b: Dim): Dim {
  const out = new Map<string, number>();
  for (const [ka, va] of a) {
    for (const [kb, vb] of b) {
      const key = [...(ka ? ka.split('*') : []), ...(kb ? kb.split('*') : [])].sort().join('*');
      out.set(key, (out.get(key) ?? 0) + va * vb);
    }
  }
  return normalize(out);
}

/** `a / n` when every coefficient divides exactly, else undefined. */
export function divDim(a: Dim, n: number): Dim | undefined {
  if (n === 0) return undefined;
  const out = new Map<string, number>();
  for (const [k, v] of a) {
    if (v % n !== 0) return undefined;
    out.set(k, v / n);
  }
  return normalize(out);
}

export function dimEquals(a: Dim, b: Dim): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** The value of a dimension with no symbols, else undefined. */
export function dimValue(a: Dim): number | undefined {
  if (a.size === 0) return 0;
  if (a.size === 1 && a.has('')) return a.get('');
  return undefined;
}

/** The symbols a dimension mentions. */
export function dimSymbols(a: Dim): string[] {
  return [...new Set([...a.keys()].flatMap((k) => (k ? k.split('*') : [])))].sort();
}

/** Evaluates a dimension given values for its symbols. */
export function evalDim(a: Dim, values: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const [k, v] of a) {
    let term = v;
    for (const sym of k ? k.split('*') : []) {
      const x = values[sym];
      if (x === undefined) throw new TypeError(`no value for dimension symbol ${sym}`);
      term *= x;
    }
    total += term;
  }
  return total;
}

export function dimToString(a: Dim): string {
  if (a.size === 0) return '0';
  let out = '';
  for (const [k, v] of a) {
    const abs = Math.abs(v);
    const body = k === '' ? String(abs) : abs === 1 ? k : `${abs}*${k}`;
    out += out === '' ? (v < 0 ? '-' + body : body) : v < 0 ? ` - ${body}` : ` + ${body}`;
  }
  return out;
}

export function shapeToString(shape: readonly Dim[]): string {
  return '[' + shape.map(dimToString).join(', ') + ']';
}
