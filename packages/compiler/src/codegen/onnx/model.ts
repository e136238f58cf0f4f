// An ONNX model as plain data (nodes, initializers, inputs, outputs), and the builder the emitters
// write into. Nothing here knows protobuf: proto.ts serialises this description.

/** Element types the exporter writes, as ONNX's TensorProto.DataType numbers them. */
export const ONNX_DTYPE = { f32: 1, i64: 7, bool: 9, f16: 10 } as const;
export type OnnxDType = keyof typeof ONNX_DTYPE;

/** A dimension of a graph input or output: a number, or a named symbol (`batch`, `past_sequence_length`). */
export type OnnxDim = number | string;

export interface OnnxValueInfo {
  readonly name: string;
  readonly dtype: OnnxDType;
  readonly shape: readonly OnnxDim[];
}

export type OnnxAttribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly number[] };

export interface OnnxNode {
  readonly op: string;
  /** '' for the standard operator set, `com.microsoft` for ONNX Runtime's contrib ops. */
  readonly domain: string;
  readonly name: string;
  /** Input value names; '' skips an optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
}

/**
 * A constant tensor. `param` ones hold a model parameter (read when the file is written, in `dtype`);
 * `inline` ones hold values the exporter made (shapes, tables), little-endian.
 */
export type OnnxInitializer =
  | { readonly kind: 'param'; readonly name: string; readonly param: string; readonly dtype: 'f32' | 'f16'; readonly dims: readonly number[] }
  | { readonly kind: 'inline'; readonly name: string; readonly dtype: OnnxDType; readonly dims: readonly number[]; readonly bytes: Uint8Array };

export interface OnnxModel {
  readonly graphName: string;
  /** ModelProto.ir_version: 8 goes with opset 18. */
  readonly irVersion: number;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  /** Key–value metadata (the tdl model, the layout of its caches). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly docString: string;
}

/** Attribute shorthands: `{ axis: 1 }` is an int, `{ perm: [0, 2, 1] }` ints; floats must say so. */
export type AttrInput = Record<string, number | string | readonly number[] | { readonly float: number }>;

/**
 * Collects nodes and initializers with unique names. Emitters call `op` for one node and get its
 * output names back; constants are initializers, made once per distinct value.
 */
export class OnnxBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly taken = new Set<string>();
  private readonly constants = new Map<string, string>();
  private readonly params = new Map<string, string>();
  /** Values made once per graph (shapes, masks, rotary tables), by a key the emitter chooses. */
  private readonly shared = new Map<string, string>();

  constructor(readonly paramDtype: (param: string, dims: readonly number[]) => 'f32' | 'f16' = () => 'f32') {}

  /** A fresh name based on `base`. */
  name(base: string): string {
    let name = base;
    for (let n = 1; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }

  /** Reserves a name exactly as given (graph inputs and outputs); a second claim is a bug. */
  claim(name: string): string {
    if (this.taken.has(name)) throw new Error(`internal error: ONNX name ${name} claimed twice`);
    this.taken.add(name);
    return name;
  }

  /**
   * Adds one node; `outputs` are base names (made unique) or, with `exact`, names used as given;
   * `trailing` outputs follow them as given ('' skips an optional one, a name is one already taken).
   */
  op(
    op: string,
    inputs: readonly string[],
    attrs: AttrInput = {},
    outputs: readonly string[] = [op],
    options: { domain?: string; exact?: readonly string[]; trailing?: readonly string[] } = {},
  ): string[] {
    const outs = [...(options.exact ? options.exact : outputs.map((o) => this.name(o))), ...(options.trailing ?? [])];
    const attributes: Record<string, OnnxAttribute> = {};
    for (const [key, v] of Object.entries(attrs)) {
      if (typeof v === 'number') attributes[key] = Number.isInteger(v) ? { kind: 'int', value: v } : { kind: 'float', value: v };
      else if (typeof v === 'string') attributes[key] = { kind: 'string', value: v };
      else if (Array.isArray(v)) attributes[key] = { kind: 'ints', value: v as readonly number[] };
      else attributes[key] = { kind: 'float', value: (v as { float: number }).float };
    }
    this.nodes.push({ op, domain: options.domain ?? '', name: this.name(`${outs[0]}/${op}`), inputs, outputs: outs, attributes });
    return outs;
  }

  /** One node with one output. */
  op1(op: string, inputs: readonly string[], attrs: AttrInput = {}, output = op, domain?: string): string {
    return this.op(op, inputs, attrs, [output], domain ? { domain } : {})[0]!;
  }

  /**
   * Removes the node that produced `output`, when it is the last reader-free one: no node after it reads
   * `output`, so a fused node emitted now can produce `output` in its place (ONNX needs producers first).
   */
  detach(output: string): OnnxNode | undefined {
    const at = this.nodes.findIndex((n) => n.outputs.includes(output));
    if (at < 0 || this.nodes.slice(at + 1).some((n) => n.inputs.includes(output))) return undefined;
    return this.nodes.splice(at, 1)[0];
  }

  /** A model parameter as an initializer named by its path (one initializer however often it is read). */
  param(path: string, dims: readonly number[]): string {
    let name = this.params.get(path);
    if (!name) {
      name = this.claim(path);
      this.initializers.push({ kind: 'param', name, param: path, dtype: this.paramDtype(path, dims), dims });
      this.params.set(path, name);
    }
    return name;
  }

  /** A parameter as f32 for the graph: itself, or a Cast of its f16 initializer. */
  paramF32(path: string, dims: readonly number[]): string {
    const name = this.param(path, dims);
    const init = this.initializers.find((i) => i.name === name)!;
    if (init.dtype === 'f32') return name;
    return this.once(`cast:${name}`, () => this.op1('Cast', [name], { to: ONNX_DTYPE.f32 }, `${path}.f32`));
  }

  floats(values: ArrayLike<number>, dims: readonly number[] = [values.length], base = 'const'): string {
    const data = Float32Array.from(values as ArrayLike<number>);
    return this.inline('f32', dims, new Uint8Array(data.buffer), base);
  }

  ints(values: readonly number[], dims: readonly number[] = [values.length], base = 'const'): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.inline('i64', dims, new Uint8Array(data.buffer), base);
  }

  /** A scalar float constant (rank 0). */
  scalar(value: number): string {
    return this.floats([value], [], 'scalar');
  }

  /** Small constants are shared by value; large ones (tables) are made once by their emitter. */
  private inline(dtype: OnnxDType, dims: readonly number[], bytes: Uint8Array, base: string): string {
    const key = bytes.length <= 256 ? `${dtype}[${dims.join(',')}]:${Array.from(bytes).join(',')}` : undefined;
    let name = key === undefined ? undefined : this.constants.get(key);
    if (!name) {
      name = this.name(base);
      this.initializers.push({ kind: 'inline', name, dtype, dims, bytes });
      if (key !== undefined) this.constants.set(key, name);
    }
    return name;
  }

  /** The value `make` returns, made the first time `key` is asked for. */
  once(key: string, make: () => string): string {
    let name = this.shared.get(key);
    if (name === undefined) this.shared.set(key, (name = make()));
    return name;
  }
}
