// A small assembler for the subset of the WebAssembly text format our kernels are written in: one
// imported memory, functions with named params, locals and labels, flat or folded instructions.
import { opcode, VALUE_TYPES, type Opcode } from './opcodes.js';
import { isList, parseSExprs, type SExpr, type SList } from './sexpr.js';

interface Func {
  readonly name: string | undefined;
  readonly exportName: string | undefined;
  readonly params: number[];
  readonly results: number[];
  readonly locals: number[];
  readonly localNames: Map<string, number>;
  readonly body: SExpr[];
  readonly line: number;
}

interface MemoryImport {
  readonly module: string;
  readonly field: string;
  readonly min: number;
  readonly max: number | undefined;
  readonly shared: boolean;
}

/** Assembles WebAssembly text (a `(module …)`) into a binary module. Throws with the line on errors. */
export function assemble(text: string): Uint8Array<ArrayBuffer> {
  const [module, ...rest] = parseSExprs(text);
  if (!isList(module) || module.items[0] !== 'module' || rest.length) throw new Error('wat: expected exactly one (module …)');
  let memory: MemoryImport | undefined;
  const funcs: Func[] = [];
  for (const field of module.items.slice(1)) {
    if (!isList(field)) throw new Error(`wat: unexpected '${field}' in the module`);
    const head = field.items[0];
    if (head === 'import') memory = memoryImport(field);
    else if (head === 'func') funcs.push(funcDecl(field));
    else throw new Error(`wat: unsupported module field '${String(head)}' at line ${field.line}`);
  }
  const funcIndex = new Map<string, number>();
  funcs.forEach((f, i) => f.name && funcIndex.set(f.name, i));

  const types: string[] = [];
  const typeOf = funcs.map((f) => {
    const key = `${f.params.join(',')}:${f.results.join(',')}`;
    if (!types.includes(key)) types.push(key);
    return types.indexOf(key);
  });

  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(out, 1, vector(types.map((key) => {
    const [params, results] = key.split(':').map((s) => (s ? s.split(',').map(Number) : []));
    return [0x60, ...vector(params!.map((t) => [t])), ...vector(results!.map((t) => [t]))];
  })));
  if (memory) {
    const limits = memory.max === undefined ? [0x00, ...uleb(memory.min)] : [memory.shared ? 0x03 : 0x01, ...uleb(memory.min), ...uleb(memory.max)];
    section(out, 2, vector([[...name(memory.module), ...name(memory.field), 0x02, ...limits]]));
  }
  section(out, 3, vector(typeOf.map((t) => uleb(t))));
  const exports = funcs.flatMap((f, i) => (f.exportName ? [[...name(f.exportName), 0x00, ...uleb(i)]] : []));
  section(out, 7, vector(exports));
  section(out, 10, vector(funcs.map((f) => {
    const body = [...localDecls(f.locals), ...new FunctionEncoder(f, funcIndex).encode()];
    return [...uleb(body.length), ...body];
  })));
  return Uint8Array.from(out);
}

function memoryImport(field: SList): MemoryImport {
  const [, mod, fieldName, desc] = field.items;
  if (typeof mod !== 'string' || typeof fieldName !== 'string' || !isList(desc) || desc.items[0] !== 'memory') {
    throw new Error(`wat: only a memory import is supported (line ${field.line})`);
  }
  const nums = desc.items.slice(1).filter((a): a is string => typeof a === 'string' && /^\d+$/.test(a)).map(Number);
  return { module: unquote(mod), field: unquote(fieldName), min: nums[0] ?? 0, max: nums[1], shared: desc.items.includes('shared') };
}

function funcDecl(field: SList): Func {
  let i = 1;
  let fname: string | undefined;
  if (typeof field.items[i] === 'string' && (field.items[i] as string).startsWith('$')) fname = field.items[i++] as string;
  let exportName: string | undefined;
  const params: number[] = [];
  const results: number[] = [];
  const locals: number[] = [];
  const localNames = new Map<string, number>();
  for (; i < field.items.length; i++) {
    const item = field.items[i]!;
    if (!isList(item)) break;
    const head = item.items[0];
    if (head === 'export') exportName = unquote(item.items[1] as string);
    else if (head === 'param' || head === 'local') {
      const into = head === 'param' ? params : locals;
      if (head === 'param' && locals.length) throw new Error(`wat: params must come before locals (line ${item.line})`);
      const rest = item.items.slice(1) as string[];
      if (rest[0]?.startsWith('$')) {
        localNames.set(rest[0], params.length + locals.length);
        into.push(valueType(rest[1], item.line));
      } else for (const t of rest) into.push(valueType(t, item.line));
    } else if (head === 'result') for (const t of item.items.slice(1) as string[]) results.push(valueType(t, item.line));
    else break;
  }
  return { name: fname, exportName, params, results, locals, localNames, body: field.items.slice(i), line: field.line };
}

/** Encodes one function body: resolves local, label and function names while walking instructions. */
class FunctionEncoder {
  private readonly bytes: number[] = [];
  private readonly labels: (string | undefined)[] = [];

  constructor(
    private readonly func: Func,
    private readonly funcIndex: Map<string, number>,
  ) {}

  encode(): number[] {
    this.sequence(this.func.body, this.func.line);
    this.bytes.push(0x0b);
    return this.bytes;
  }

  /** A list of instructions, each flat (`i32.add`) or folded (`(i32.add (…) (…))`). */
  private sequence(items: readonly SExpr[], line: number): void {
    let i = 0;
    while (i < items.length) {
      const item = items[i]!;
      if (isList(item)) {
        this.folded(item);
        i++;
        continue;
      }
      const op = this.op(item, line);
      i++;
      if (op.imm === 'block') {
        const label = typeof items[i] === 'string' && (items[i] as string).startsWith('$') ? (items[i++] as string) : undefined;
        let type = 0x40;
        if (isList(items[i]) && (items[i] as SList).items[0] === 'result') type = valueType((items[i++] as SList).items[1] as string, line);
        this.bytes.push(...op.code, type);
        this.labels.push(label);
        continue;
      }
      if (item === 'end') this.labels.pop();
      const take = immediateCount(op, items, i);
      this.emit(item, op, items.slice(i, i + take) as string[], line);
      i += take;
    }
  }

  private folded(list: SList): void {
    const [head, ...rest] = list.items;
    if (typeof head !== 'string') throw new Error(`wat: expected an instruction at line ${list.line}`);
    const op = this.op(head, list.line);
    if (head === 'block' || head === 'loop' || head === 'if') {
      let i = 0;
      const label = typeof rest[i] === 'string' && (rest[i] as string).startsWith('$') ? (rest[i++] as string) : undefined;
      let type = 0x40;
      if (isList(rest[i]) && (rest[i] as SList).items[0] === 'result') type = valueType((rest[i++] as SList).items[1] as string, list.line);
      if (head === 'if') {
        const thenIndex = rest.findIndex((e, j) => j >= i && isList(e) && e.items[0] === 'then');
        if (thenIndex < 0) throw new Error(`wat: (if …) without (then …) at line ${list.line}`);
        this.sequence(rest.slice(i, thenIndex), list.line);
        this.bytes.push(...op.code, type);
        this.labels.push(label);
        this.sequence((rest[thenIndex] as SList).items.slice(1), list.line);
        const otherwise = rest[thenIndex + 1];
        if (isList(otherwise) && otherwise.items[0] === 'else') {
          this.bytes.push(0x05);
          this.sequence(otherwise.items.slice(1), otherwise.line);
        }
      } else {
        this.bytes.push(...op.code, type);
        this.labels.push(label);
        this.sequence(rest.slice(i), list.line);
      }
      this.labels.pop();
      this.bytes.push(0x0b);
      return;
    }
    const take = immediateCount(op, rest, 0);
    for (const child of rest.slice(take)) {
      if (!isList(child)) throw new Error(`wat: unexpected '${child}' in (${head} …) at line ${list.line}`);
      this.folded(child);
    }
    this.emit(head, op, rest.slice(0, take) as string[], list.line);
  }

  private op(text: string, line: number): Opcode {
    const op = opcode(text);
    if (!op) throw new Error(`wat: unknown instruction '${text}' at line ${line}`);
    return op;
  }

  private emit(text: string, op: Opcode, imms: readonly string[], line: number): void {
    const b = this.bytes;
    b.push(op.code[0]!, ...(op.code.length > 1 ? uleb(op.code[1]!) : []));
    if (op.align !== undefined) {
      let align = op.align;
      let offset = 0;
      for (const a of imms) {
        if (a.startsWith('offset=')) offset = integer(a.slice(7), line);
        else if (a.startsWith('align=')) align = Math.log2(integer(a.slice(6), line));
        else throw new Error(`wat: bad memory argument '${a}' at line ${line}`);
      }
      b.push(...uleb(align), ...uleb(offset));
      if (op.imm === 'lane') b.push(integer(imms[imms.length - 1]!, line));
      return;
    }
    switch (op.imm) {
      case 'none':
        return;
      case 'local':
        b.push(...uleb(this.local(imms[0]!, line)));
        return;
      case 'func': {
        const index = imms[0]!.startsWith('$') ? this.funcIndex.get(imms[0]!) : integer(imms[0]!, line);
        if (index === undefined) throw new Error(`wat: unknown function ${imms[0]} at line ${line}`);
        b.push(...uleb(index));
        return;
      }
      case 'label':
        b.push(...uleb(this.label(imms[0]!, line)));
        return;
      case 'labels': {
        const depths = imms.map((l) => this.label(l, line));
        b.push(...uleb(depths.length - 1), ...depths.slice(0, -1).flatMap(uleb), ...uleb(depths[depths.length - 1]!));
        return;
      }
      case 'i32':
        b.push(...sleb(BigInt(integer(imms[0]!, line) | 0)));
        return;
      case 'i64':
        b.push(...sleb(BigInt(imms[0]!.replace(/_/g, ''))));
        return;
      case 'f32':
        b.push(...new Uint8Array(Float32Array.of(float(imms[0]!, line)).buffer));
        return;
      case 'f64':
        b.push(...new Uint8Array(Float64Array.of(float(imms[0]!, line)).buffer));
        return;
      case 'v128':
        b.push(...v128(imms, line));
        return;
      case 'lane':
        b.push(integer(imms[0]!, line));
        return;
      case 'shuffle':
        b.push(...imms.map((l) => integer(l, line)));
        return;
      case 'memory0':
      case 'fence':
        b.push(0x00);
        return;
      case 'memory00':
        b.push(0x00, 0x00);
        return;
      case 'block':
        throw new Error(`internal error: ${text} reached emit`);
    }
  }

  private local(ref: string, line: number): number {
    const index = ref.startsWith('$') ? this.func.localNames.get(ref) : integer(ref, line);
    if (index === undefined) throw new Error(`wat: unknown local ${ref} at line ${line}`);
    return index;
  }

  private label(ref: string, line: number): number {
    if (!ref.startsWith('$')) return integer(ref, line);
    const at = this.labels.lastIndexOf(ref);
    if (at < 0) throw new Error(`wat: unknown label ${ref} at line ${line}`);
    return this.labels.length - 1 - at;
  }
}

/** How many of `items` from `at` are immediates of `op` (atoms; memory arguments are optional). */
function immediateCount(op: Opcode, items: readonly SExpr[], at: number): number {
  const atom = (k: number) => typeof items[at + k] === 'string';
  if (op.align !== undefined) {
    let k = 0;
    while (atom(k) && /^(offset|align)=/.test(items[at + k] as string)) k++;
    return op.imm === 'lane' ? k + 1 : k;
  }
  switch (op.imm) {
    case 'none':
    case 'memory0':
    case 'memory00':
    case 'fence':
    case 'block':
      return 0;
    case 'v128':
      return 1 + ({ i8x16: 16, i16x8: 8, i32x4: 4, f32x4: 4, i64x2: 2, f64x2: 2 }[items[at] as string] ?? 0);
    case 'shuffle':
      return 16;
    case 'labels': {
      let k = 0;
      while (atom(k) && /^(\$|\d)/.test(items[at + k] as string)) k++;
      return k;
    }
    default:
      return 1;
  }
}

function v128(imms: readonly string[], line: number): number[] {
  const [shape, ...lanes] = imms;
  const view = new DataView(new ArrayBuffer(16));
  lanes.forEach((l, i) => {
    if (shape === 'f32x4') view.setFloat32(i * 4, float(l, line), true);
    else if (shape === 'f64x2') view.setFloat64(i * 8, float(l, line), true);
    else if (shape === 'i32x4') view.setInt32(i * 4, integer(l, line) | 0, true);
    else if (shape === 'i16x8') view.setInt16(i * 2, integer(l, line), true);
    else if (shape === 'i8x16') view.setInt8(i, integer(l, line));
    else throw new Error(`wat: unsupported v128.const shape '${shape}' at line ${line}`);
  });
  return [...new Uint8Array(view.buffer)];
}

function valueType(text: string | undefined, line: number): number {
  const t = text === undefined ? undefined : VALUE_TYPES[text];
  if (t === undefined) throw new Error(`wat: unknown value type '${text}' at line ${line}`);
  return t;
}

function integer(text: string, line: number): number {
  const clean = text.replace(/_/g, '');
  const value = /^-0x/i.test(clean) ? -Number(clean.slice(1)) : Number(clean);
  if (!Number.isInteger(value)) throw new Error(`wat: expected an integer, got '${text}' at line ${line}`);
  return value;
}

function float(text: string, line: number): number {
  const t = text.replace(/_/g, '');
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return NaN;
  const value = Number(t);
  if (Number.isNaN(value)) throw new Error(`wat: expected a number, got '${text}' at line ${line}`);
  return value;
}

function unquote(s: string): string {
  return s.startsWith('"') ? s.slice(1, -1) : s;
}

function localDecls(locals: readonly number[]): number[] {
  const runs: [number, number][] = [];
  for (const t of locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  return [...uleb(runs.length), ...runs.flatMap(([n, t]) => [...uleb(n), t])];
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id, ...uleb(content.length), ...content);
}

function vector(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const bytes = new TextEncoder().encode(s);
  return [...uleb(bytes.length), ...bytes];
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

export function sleb(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && !(byte & 0x40)) || (n === -1n && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}
