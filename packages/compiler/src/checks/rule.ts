// What a check is, and the facts about a graph that checks share.
import type { Diagnostic } from '@tdl/dsl';
import type { EmbeddingNode, Graph, InputNode, Node, ParamInfo, TensorType, ValueId } from '../ir/nodes.js';
import { allNodes, nodeById, valueOrigins, valueTypes, type NodeSite } from '../ir/walk.js';

export interface CheckContext {
  readonly graph: Graph;
  readonly types: ReadonlyMap<ValueId, TensorType>;
  /** The inputs each value depends on, by input name. */
  readonly origins: ReadonlyMap<ValueId, ReadonlySet<string>>;
  readonly nodes: ReadonlyMap<ValueId, Node>;
  readonly sites: readonly NodeSite[];
  readonly tokens?: InputNode;
  /** The token length's bound (the context), if the token input declares one. */
  readonly context?: number;
  /** Values computed from a node an earlier report already blames: their shapes are not to be trusted. */
  readonly tainted: ReadonlySet<ValueId>;
  /** The shape of a parameter as a node in `site` names it. */
  paramShape(site: NodeSite, name: string): readonly number[] | undefined;
  /** The embedding that owns a parameter (a tied head's weight), if an embedding does. */
  embeddingOf(param: string): EmbeddingNode | undefined;
  /** Whether a value depends on the token input (else it is computed from memories alone). */
  fromTokens(id: ValueId): boolean;
  /** A short description of where a value comes from, for messages: `x`, `memory`. */
  describeOrigin(id: ValueId): string;
  /** How the user wrote argument `name` of `node` (shortened), else where its value comes from. */
  describeArg(node: Node, name: string, value?: ValueId): string;
}

/**
 * One rule. A node rule looks at one node at a time and reports at most one diagnostic for it; a
 * graph rule looks at the whole graph once the node rules are done.
 */
export interface CheckRule {
  readonly name: string;
  /**
   * True when the rule reads the shapes of a node's operands. After an error, values computed from
   * the blamed node carry shapes that only follow from the mistake, so such rules skip them.
   */
  readonly readsShapes: boolean;
  /** A warning rule whose findings are mostly consequences of an error: it runs only on files without errors. */
  readonly quietAfterErrors?: boolean;
  node?(site: NodeSite, ctx: CheckContext): Diagnostic | undefined;
  graph?(ctx: CheckContext): Diagnostic[];
}

/** Longest argument text quoted in a message before it is shortened. */
const MAX_TEXT = 28;

/** `attn: attention(ln_1: layer_norm(x), heads)` → `attn: attention(…)`; short texts unchanged. */
export function shortText(text: string): string {
  if (text.length <= MAX_TEXT) return text;
  const call = /^((?:[A-Za-z_][\w]*\s*:\s*)?[A-Za-z_][\w]*)\(/.exec(text);
  if (call) return `${call[1]}(…)`;
  return text.slice(0, MAX_TEXT - 1).trimEnd() + '…';
}

export function checkContext(graph: Graph, tainted: ReadonlySet<ValueId> = new Set()): CheckContext {
  const types = valueTypes(graph);
  const origins = valueOrigins(graph);
  const nodes = nodeById(graph);
  const sites = [...allNodes(graph)];
  const tokens = sites.map((s) => s.node).find((n): n is InputNode => n.op === 'input' && n.role === 'tokens');
  const lengthSymbol = tokens ? [...tokens.type.shape[0]!.keys()][0] : undefined;
  const context = graph.symbols.find((s) => s.name === lengthSymbol)?.bound;
  const top = new Map<string, ParamInfo>(graph.params.map((p) => [p.name, p]));
  const embeddings = new Map<string, EmbeddingNode>();
  for (const { node } of sites) if (node.op === 'embedding') embeddings.set(node.weight, node);
  const describeOrigin = (id: ValueId) => {
    const from = [...(origins.get(id) ?? [])];
    return from.length ? from.join(' and ') : 'constants';
  };
  return {
    graph,
    types,
    origins,
    nodes,
    sites,
    tainted,
    ...(tokens ? { tokens } : {}),
    ...(context !== undefined ? { context } : {}),
    paramShape(site, name) {
      return site.body?.params.find((p) => p.name === name)?.shape ?? top.get(name)?.shape;
    },
    embeddingOf: (param) => embeddings.get(param),
    fromTokens(id) {
      return tokens !== undefined && (origins.get(id)?.has(tokens.name) ?? false);
    },
    describeOrigin,
    describeArg(node, name, value) {
      const text = node.argText?.[name];
      if (text !== undefined) return shortText(text);
      return value !== undefined ? describeOrigin(value) : name;
    },
  };
}
