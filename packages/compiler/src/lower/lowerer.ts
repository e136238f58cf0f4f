// The lowering state shared by expressions and statements: diagnostics, emission lists, labels, types.
import { diagnostic, type Diagnostic, type DiagnosticCode, type DiagnosticNote, type Span } from '@tdl/dsl';
import { IdSource, NodeList } from '../ir/builder.js';
import type { RepeatRegion, SymbolDecl, TensorType, ValueId } from '../ir/nodes.js';
import type { UntypedNode } from '../ir/shapes.js';
import type { Call, Expr, Statement } from '@tdl/dsl';
import type { PossibleParam } from '../checkpoint/pattern.js';
import type { BlockEntry } from './blocks.js';
import { PRELUDE_FILE } from './prelude.js';
import type { Scope } from './scope.js';
import { ERROR, type Located, type Value } from './values.js';
import type { ValueSpan } from './value-spans.js';
import { numel } from '../analysis/params.js';

/**
 * Expressions, statements and block calls lower each other recursively; they reach one another
 * through these hooks (installed by model.ts) so their modules do not import each other in a cycle.
 */
export interface LowerHooks {
  lowerExpr(lw: Lowerer, e: Expr, scope: Scope): Value;
  lowerStatements(lw: Lowerer, statements: readonly Statement[], scope: Scope): void;
  lowerBlockCall(lw: Lowerer, entry: BlockEntry, call: Call, values: Located[]): Value;
}

/** Stands for the layer index in parameter names inside a repeat body: `layers.{i}.attn.q.weight`. */
export const LAYER_INDEX = '{i}';

/** `h.{i}.mlp.up` → `mlp.up`: a parameter label as written inside its repeat body. */
export function labelInLayer(label: string): string {
  const marker = `${LAYER_INDEX}.`;
  const at = label.indexOf(marker);
  return at < 0 ? label : label.slice(at + marker.length);
}

export class Lowerer {
  constructor(readonly hooks: LowerHooks) {}

  readonly diagnostics: Diagnostic[] = [];
  /** What the user's expressions evaluated to, by span (see value-spans.ts). */
  readonly valueSpans: ValueSpan[] = [];
  /** The model's file: only its spans are recorded in `valueSpans`. */
  userFile?: string;
  readonly ids = new IdSource();
  readonly top = new NodeList(this.ids);
  /** Where nodes go now: the top level, or the layer being lowered. */
  list: NodeList = this.top;
  /** Label path of the current block call, relative to `list` (`ffn` inside `ffn: mlp(…)`). */
  prefix: string[] = [];
  /** Inside a repeat body: its parameter prefix (`layers.{i}`) and layer index. */
  layer?: { readonly prefix: string; readonly index: number };
  readonly blocks = new Map<string, BlockEntry>();
  readonly blockStack: string[] = [];
  readonly symbols: SymbolDecl[] = [];
  /** While the parameters a layer could have are gathered: an `if` lowers both its branches. */
  everyBranch = false;
  /** Parameter paths some layer of a repeat could have (`h.{i}.xattn.q.weight`), whether or not one has. */
  readonly possibleLayerParams: PossibleParam[] = [];
  /** How many top-level parameters existed when each region was added, to list parameters in order. */
  readonly paramsBeforeRegion = new Map<RepeatRegion, number>();
  /** Source texts by file name, so nodes can record their arguments as written. */
  readonly sources = new Map<string, string>();
  private readonly types = new Map<ValueId, TensorType>();
  private readonly labelsUsed = new WeakMap<NodeList, Set<string>>();

  /**
   * While a prelude block (`mlp`, `gated_mlp`) is expanded: the call in the user's file, so what the
   * block creates and reports points there rather than into the prelude's text, which no user sees.
   */
  preludeCall?: { readonly span: Span; readonly block: string };

  error(code: DiagnosticCode, span: Span, message: string, label?: string, notes?: DiagnosticNote[]): Value {
    this.report([diagnostic(code, span, message, { ...(label ? { label } : {}), ...(notes ? { notes } : {}) })]);
    return ERROR;
  }

  /** Adds diagnostics, moved out of the prelude to the call that expanded it. */
  report(ds: readonly Diagnostic[]) {
    for (const d of ds) {
      const call = this.preludeCall;
      if (d.span.file !== PRELUDE_FILE || !call) this.diagnostics.push(d);
      else this.diagnostics.push({ ...d, span: call.span, notes: [...d.notes, { message: `inside the prelude block '${call.block}' that this call expands` }] });
    }
  }

  /** A span in the user's file for something a prelude block made; other spans unchanged. */
  userSpan(span: Span): Span {
    return span.file === PRELUDE_FILE && this.preludeCall ? this.preludeCall.span : span;
  }

  /** Where ids and parameters stand before an expression lowers, for `recordValue`. */
  valueMark(): { readonly id: ValueId; readonly params: number } {
    return { id: this.ids.mark(), params: this.list.params.length };
  }

  /** Records what the expression at `span` evaluated to, with what it added since `mark`. */
  recordValue(span: Span, value: Value, mark: { readonly id: ValueId; readonly params: number }) {
    if (span.file !== this.userFile || this.everyBranch || value.kind === 'error') return;
    const paramElements = this.list.params.slice(mark.params).reduce((n, p) => n + numel(p.shape), 0);
    this.valueSpans.push({
      span,
      ...(value.kind === 'tensor' ? { type: value.type } : {}),
      ...(value.kind === 'number' ? { number: value.value } : {}),
      firstId: mark.id,
      endId: this.ids.mark(),
      paramElements,
      ...(this.layer ? { layer: this.layer.index } : {}),
    });
  }

  typeOf = (id: ValueId): TensorType => {
    const t = this.types.get(id);
    if (!t) throw new Error(`internal compiler error: value %${id} has no type`);
    return t;
  };

  setType(id: ValueId, type: TensorType) {
    this.types.set(id, type);
  }

  /** Shape of a parameter by the name nodes use (a template inside a layer body). */
  paramShape = (name: string): readonly number[] => {
    const p = this.list.param(name) ?? this.top.param(name);
    return p ? p.shape : [];
  };

  emit(node: UntypedNode, declared?: TensorType): Value {
    const placed = this.preludeCall ? this.placeInUserFile(node) : node;
    const argText = this.argTexts(placed.argSpans);
    const withText = argText ? { ...placed, argText } : placed;
    const full = this.list.add(withText, { typeOf: this.typeOf, paramShape: this.paramShape }, declared);
    this.types.set(full.id, full.type);
    return { kind: 'tensor', id: full.id, type: full.type };
  }

  /** The text at a span, whitespace runs collapsed to one space; undefined when its file is unknown. */
  textAt(span: Span): string | undefined {
    const text = this.sources.get(span.file);
    if (text === undefined || span.length === 0) return undefined;
    return text.slice(span.offset, span.offset + span.length).replace(/\s+/g, ' ').trim();
  }

  private placeInUserFile(node: UntypedNode): UntypedNode {
    const argSpans = Object.fromEntries(Object.entries(node.argSpans).map(([name, span]) => [name, this.userSpan(span)]));
    return { ...node, span: this.userSpan(node.span), argSpans };
  }

  private argTexts(spans: Readonly<Record<string, Span>>): Record<string, string> | undefined {
    let out: Record<string, string> | undefined;
    for (const [name, span] of Object.entries(spans)) {
      const text = this.textAt(span);
      if (text !== undefined) (out ??= {})[name] = text;
    }
    return out;
  }

  /** The full parameter path for `name` under `label` in the current list. */
  paramPath(label: string, name: string): string {
    return `${label}.${name}`;
  }

  /** Claims a label path for a call's parameters; a duplicate explicit label is an error. */
  claimLabel(explicit: { name: string; span: Span } | undefined, fallback: string): string {
    let used = this.labelsUsed.get(this.list);
    if (!used) this.labelsUsed.set(this.list, (used = new Set()));
    const base = [...(this.layer ? [this.layer.prefix] : []), ...this.prefix];
    if (explicit) {
      const path = [...base, explicit.name].join('.');
      if (used.has(path)) {
        this.error('E0208', explicit.span, `the label '${explicit.name}' is used twice here`, 'labels name parameters, so each must be unique in its block');
      }
      used.add(path);
      return path;
    }
    for (let n = 1; ; n++) {
      const path = [...base, n === 1 ? fallback : `${fallback}_${n}`].join('.');
      if (!used.has(path)) {
        used.add(path);
        return path;
      }
    }
  }

  /** The path of a label as written in the file, resolved against the current prefix. */
  labelPath(name: string): string {
    return [...(this.layer ? [this.layer.prefix] : []), ...this.prefix, name].join('.');
  }
}
