// What a check is, and the facts about a graph that checks share.
import type { Diagnostic } from '@tdl/dsl';
import type { Graph, InputNode, Node, TensorType, ValueId } from '../ir/nodes.js';
import { allNodes, nodeById, valueOrigins, valueTypes, type NodeSite } from '../ir/walk.js';

export interface CheckContext {
  readonly graph: Graph;
  readonly types: ReadonlyMap<ValueId, TensorType>;
  /** The inputs each value depends on, by input name. */
  readonly origins: ReadonlyMap<ValueId, ReadonlySet<string>>;
  readonly nodes: ReadonlyMap<ValueId, Node>;
  readonly sites: readonly NodeSite[];
  readonly tokens?: InputNode;
  /** The shape of a parameter as a node in `site` names it. */
  paramShape(site: NodeSite, name: string): readonly number[] | undefined;
  /** Whether a value depends on the token input (else it is computed from memories alone). */
  fromTokens(id: ValueId): boolean;
  /** A short description of where a value comes from, for messages: `x`, `memory`. */
  describeOrigin(id: ValueId): string;
}

export interface CheckRule {
  readonly name: string;
  run(ctx: CheckContext): Diagnostic[];
}

export function checkContext(graph: Graph): CheckContext {
  const types = valueTypes(graph);
  const origins = valueOrigins(graph);
  const nodes = nodeById(graph);
  const sites = [...allNodes(graph)];
  const tokens = sites.map((s) => s.node).find((n): n is InputNode => n.op === 'input' && n.role === 'tokens');
  const top = new Map(graph.params.map((p) => [p.name, p.shape]));
  return {
    graph,
    types,
    origins,
    nodes,
    sites,
    ...(tokens ? { tokens } : {}),
    paramShape(site, name) {
      return site.body?.params.find((p) => p.name === name)?.shape ?? top.get(name);
    },
    fromTokens(id) {
      return tokens !== undefined && (origins.get(id)?.has(tokens.name) ?? false);
    },
    describeOrigin(id) {
      const from = [...(origins.get(id) ?? [])];
      return from.length ? from.join(' and ') : 'constants';
    },
  };
}
