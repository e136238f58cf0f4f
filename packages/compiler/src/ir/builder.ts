// Accumulates IR while lowering: node lists (top level or one layer body), ids and parameters.
import { invariant, type Span } from '@tdl/dsl';
import type { Item, Node, ParamDecl, TensorType, ValueId } from './nodes.js';
import { inferType, type ShapeEnv, type UntypedNode } from './shapes.js';

/** Hands out value ids unique across the graph. */
export class IdSource {
  private next = 1;
  take(): ValueId {
    return this.next++;
  }

  /** Where the ids stand; `rewind` to it hands the ids taken since out again (for a lowering that is dropped). */
  mark(): number {
    return this.next;
  }

  rewind(mark: number) {
    this.next = mark;
  }
}

/** Collects the nodes and parameters of one scope of emission: the top level, or one layer. */
export class NodeList {
  readonly items: Item[] = [];
  readonly params: ParamDecl[] = [];
  private readonly byId = new Map<ValueId, Node>();
  private readonly paramIndex = new Map<string, ParamDecl>();

  constructor(
    readonly ids: IdSource,
    /** The list enclosing this one (a layer body's is the top level), for values defined outside. */
    readonly parent?: NodeList,
  ) {}

  /** Adds a node, typed by its shape rule (inputs and carried values pass their declared type). */
  add(node: UntypedNode, env: ShapeEnv, declared?: TensorType): Node {
    const type = inferType(node, env, declared);
    const full = { ...node, id: this.ids.take(), type } as Node;
    this.items.push(full);
    this.byId.set(full.id, full);
    return full;
  }

  /** Adds a non-node item (a repeat region) whose id was already taken. */
  addItem(item: Item) {
    this.items.push(item);
    if (item.op !== 'repeat') this.byId.set(item.id, item);
  }

  node(id: ValueId): Node | undefined {
    return this.byId.get(id) ?? this.parent?.node(id);
  }

  /** Registers a parameter; false when the name is taken (the caller reports it). */
  addParam(param: ParamDecl): boolean {
    if (this.paramIndex.has(param.name)) return false;
    this.paramIndex.set(param.name, param);
    this.params.push(param);
    return true;
  }

  param(name: string): ParamDecl | undefined {
    return this.paramIndex.get(name);
  }

  paramSpan(name: string): Span {
    const p = this.paramIndex.get(name);
    invariant(p, `parameter ${name} is not registered`);
    return p.span;
  }
}
