// CPU code generation: one readable TypeScript module per model (transpile.ts turns it into JavaScript).
import type { Graph } from '../../ir/nodes.js';
import { templatesFor } from '../render.js';
import { schedule } from '../schedule/index.js';
import { buildCpuView } from './view.js';

const template = templatesFor('cpu');

export interface CpuModule {
  /** The module's TypeScript source. */
  readonly typescript: string;
}

export function generateCpuModule(graph: Graph, sourceName = graph.file): CpuModule {
  const view = buildCpuView(schedule(graph, { fuse: true }), sourceName);
  return { typescript: template('module.ts')(view) };
}
