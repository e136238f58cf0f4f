// Loads a model file for the commands: reads it, checks it, renders diagnostics, compiles it for the CPU.
import { renderDiagnostics } from '@tdl/dsl';
import { checkSource, generateCpuModule, transpileCpuModule, type CheckpointPlan, type CheckResult, type ConstantValue, type Graph } from '@tdl/compiler';
import { UsageError } from '@tdl/runtime';
import * as cpu from '@tdl/runtime-cpu';
import type { CliIO } from './io.js';
import { readText } from './io.js';

/** A model that failed to check; its diagnostics were printed already. */
export class ModelError extends Error {
  constructor(readonly file: string) {
    super(`${file} has errors`);
    this.name = 'ModelError';
  }
}

export function printDiagnostics(io: CliIO, result: Pick<CheckResult, 'source' | 'diagnostics'> & Partial<CheckResult>): void {
  if (!result.diagnostics.length) return;
  const text = renderDiagnostics(result.diagnostics, (name) => (name === result.source.name ? result.source.text : undefined), {
    color: io.stderr.isTTY ?? false,
  });
  io.stderr.write(text + '\n');
}

export function checkFile(io: CliIO, file: string, overrides: Readonly<Record<string, ConstantValue>>, printWarnings = true): CheckResult {
  const result = checkSource({ name: file, text: readText(file) }, { overrides });
  if (!result.ok || printWarnings) printDiagnostics(io, result);
  return result;
}

/** Checks a model and refuses to go on if it has errors. */
export function loadGraph(io: CliIO, file: string, overrides: Readonly<Record<string, ConstantValue>>): Graph {
  return loadModel(io, file, overrides).graph;
}

/** A checked model and the plans of its checkpoint sections. */
export interface LoadedModel {
  readonly graph: Graph;
  readonly namings: readonly CheckpointPlan[];
  /** The model file's text, as it was checked. */
  readonly text: string;
}

/** Checks a model and refuses to go on if it has errors; keeps its checkpoint sections' plans. */
export function loadModel(io: CliIO, file: string, overrides: Readonly<Record<string, ConstantValue>>): LoadedModel {
  const result = checkFile(io, file, overrides, false);
  if (!result.ok || !result.graph) throw new ModelError(file);
  return { graph: result.graph, namings: result.checkpointPlans, text: result.source.text };
}

/** Compiles a model for the CPU and loads the generated module in this process. */
export function loadCpuModule(graph: Graph): cpu.GeneratedModule {
  const { typescript } = generateCpuModule(graph);
  return cpu.loadGeneratedModule(transpileCpuModule(typescript), cpu as unknown as Record<string, unknown>);
}

export function requireFile(positionals: readonly string[], command: string): string {
  const [file, ...rest] = positionals;
  if (!file) throw new UsageError(`tdl ${command} needs a model file ('tdl ${command} --help' shows how)`);
  if (rest.length) throw new UsageError(`tdl ${command} takes one model file, got ${positionals.length}: ${positionals.join(' ')}`);
  return file;
}
