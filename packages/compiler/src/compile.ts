// The front half of the compiler as a flat list of named passes: parse → lower → verify → check.
import {
  diagnostic,
  hasErrors,
  parse,
  sortDiagnostics,
  type CheckpointDecl,
  type Diagnostic,
  type FileNode,
  type SourceFile,
} from '@tdl/dsl';
import { compileCheckpoints, type CheckpointPlan } from './checkpoint/index.js';
import { runChecks } from './checks/index.js';
import { holdBackWarnings } from './checks/quiet.js';
import type { Graph } from './ir/nodes.js';
import { verifyGraph } from './ir/verify.js';
import { lowerModel, type LowerOptions } from './lower/model.js';
import { readExpectations, type Expectation } from './expectations.js';

export interface CheckOptions extends Omit<LowerOptions, 'sourceText'> {}

export interface CheckResult {
  readonly source: SourceFile;
  readonly ast?: FileNode;
  /** Present when the file parsed and lowered; it may still carry check errors (see `ok`). */
  readonly graph?: Graph;
  readonly checkpoints: readonly CheckpointDecl[];
  /** The checkpoint sections compiled to plans for the runtime (those without errors). */
  readonly checkpointPlans: readonly CheckpointPlan[];
  /** The file’s `claim` declarations, when it checks (`tdl test` checks that they hold). */
  readonly expectations: readonly Expectation[];
  readonly diagnostics: readonly Diagnostic[];
  /** No errors: the graph is well-formed and can be compiled to a backend. */
  readonly ok: boolean;
}

/** The named passes, in order, for tools that want to show or time them. */
export const PASSES = ['parse', 'lower', 'verify', 'check', 'checkpoints'] as const;

/** Parses, lowers and checks one model file. Never throws on user input. */
export function checkSource(source: SourceFile, options: CheckOptions = {}): CheckResult {
  const parsed = parse(source);
  if (hasErrors(parsed.diagnostics)) return done(source, parsed.ast, undefined, [], parsed.diagnostics);
  const models = parsed.ast.items.filter((i) => i.kind === 'Model');
  if (models.length === 0) {
    return done(source, parsed.ast, undefined, [], [
      diagnostic('E0108', parsed.ast.span, 'this file declares no model', { label: 'add `model name { … }`' }),
    ]);
  }
  if (models.length > 1) {
    return done(source, parsed.ast, undefined, [], [
      diagnostic('E0109', models[1]!.name.span, 'a file declares one model', { notes: [{ message: 'the first is here', span: models[0]!.name.span }] }),
    ]);
  }
  const lowered = lowerModel(parsed.ast, models[0]!, { ...options, sourceText: source.text });
  const diagnostics = [...parsed.diagnostics, ...lowered.diagnostics];
  if (!lowered.graph) return done(source, parsed.ast, undefined, lowered.checkpoints, diagnostics);
  verifyGraph(lowered.graph);
  // Checks assume a complete graph: after lowering errors they would mostly repeat them.
  if (!hasErrors(diagnostics)) diagnostics.push(...runChecks(lowered.graph));
  const checkpoints = hasErrors(diagnostics) ? undefined : compileCheckpoints(lowered.graph, lowered.checkpoints, lowered.possibleLayerParams);
  if (checkpoints) diagnostics.push(...checkpoints.diagnostics);
  const expects = readExpectations(models[0]!, lowered.graph.consts);
  diagnostics.push(...expects.diagnostics);
  return done(source, parsed.ast, lowered.graph, lowered.checkpoints, holdBackWarnings(diagnostics), checkpoints?.plans ?? [], expects.expectations);
}

function done(
  source: SourceFile,
  ast: FileNode | undefined,
  graph: Graph | undefined,
  checkpoints: readonly CheckpointDecl[],
  diagnostics: readonly Diagnostic[],
  checkpointPlans: readonly CheckpointPlan[] = [],
  expectations: readonly Expectation[] = [],
): CheckResult {
  const sorted = sortDiagnostics(diagnostics);
  return {
    source,
    ...(ast ? { ast } : {}),
    ...(graph ? { graph } : {}),
    checkpoints,
    checkpointPlans,
    expectations,
    diagnostics: sorted,
    ok: graph !== undefined && !hasErrors(sorted),
  };
}
