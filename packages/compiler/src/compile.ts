// The front half of the compiler as a flat list of named passes: parse → lower → verify → check.
import {
  diagnostic,
  hasErrors,
  parse,
  sortDiagnostics,
  type CheckpointDecl,
  type Diagnostic,
  type FileNode,
  type ModelDecl,
  type SourceFile,
} from '@tdl/dsl';
import { compileCheckpoints, type CheckpointPlan } from './checkpoint/index.js';
import { checkSettings, type ConfigSection, type Preset } from './config/index.js';
import { runChecks } from './checks/index.js';
import { holdBackWarnings } from './checks/quiet.js';
import type { Graph } from './ir/nodes.js';
import { verifyGraph } from './ir/verify.js';
import { lowerModel, type LowerOptions } from './lower/model.js';
import type { ValueSpan } from './lower/value-spans.js';
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
  /** The model's config.json sections and presets, read (those with errors too). */
  readonly configs: readonly ConfigSection[];
  readonly presets: readonly Preset[];
  /** The file’s `claim` declarations, when it checks (`tdl test` checks that they hold). */
  readonly expectations: readonly Expectation[];
  readonly diagnostics: readonly Diagnostic[];
  /** What the file's expressions evaluated to, by span (empty when it did not parse), for editors. */
  readonly valueSpans: readonly ValueSpan[];
  /** No errors: the graph is well-formed and can be compiled to a backend. */
  readonly ok: boolean;
}

/** The named passes, in order, for tools that want to show or time them. */
export const PASSES = ['parse', 'lower', 'verify', 'check', 'checkpoints'] as const;

/** The config sections and presets of the one model in `source`, checked against its constants. */
export function modelSettings(source: SourceFile): { configs: readonly ConfigSection[]; presets: readonly Preset[]; diagnostics: readonly Diagnostic[] } {
  const parsed = parse(source);
  const model = parsed.ast.items.find((i) => i.kind === 'Model');
  if (!model) return { configs: [], presets: [], diagnostics: [] };
  return settingsOf(model);
}

function settingsOf(model: ModelDecl) {
  const constants = model.items.flatMap((i) => (i.kind === 'Const' ? i.bindings.map((b) => b.name.name) : []));
  const configs = model.items.filter((i) => i.kind === 'Config');
  const presets = model.items.filter((i) => i.kind === 'Preset');
  return checkSettings(configs, presets, constants);
}

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
  const settings = settingsOf(models[0]!);
  const diagnostics = [...parsed.diagnostics, ...lowered.diagnostics, ...settings.diagnostics];
  if (!lowered.graph) return done(source, parsed.ast, undefined, lowered.checkpoints, diagnostics, [], settings, lowered.valueSpans);
  verifyGraph(lowered.graph);
  // Checks assume a complete graph: after lowering errors they would mostly repeat them.
  if (!hasErrors(diagnostics)) diagnostics.push(...runChecks(lowered.graph));
  const checkpoints = hasErrors(diagnostics) ? undefined : compileCheckpoints(lowered.graph, lowered.checkpoints, lowered.possibleLayerParams);
  if (checkpoints) diagnostics.push(...checkpoints.diagnostics);
  const expects = readExpectations(models[0]!, lowered.graph.consts);
  diagnostics.push(...expects.diagnostics);
  return done(source, parsed.ast, lowered.graph, lowered.checkpoints, holdBackWarnings(diagnostics), checkpoints?.plans ?? [], settings, lowered.valueSpans, expects.expectations);
}

function done(
  source: SourceFile,
  ast: FileNode | undefined,
  graph: Graph | undefined,
  checkpoints: readonly CheckpointDecl[],
  diagnostics: readonly Diagnostic[],
  checkpointPlans: readonly CheckpointPlan[] = [],
  settings: { readonly configs: readonly ConfigSection[]; readonly presets: readonly Preset[] } = { configs: [], presets: [] },
  valueSpans: readonly ValueSpan[] = [],
  expectations: readonly Expectation[] = [],
): CheckResult {
  const sorted = sortDiagnostics(diagnostics);
  return {
    source,
    ...(ast ? { ast } : {}),
    ...(graph ? { graph } : {}),
    checkpoints,
    checkpointPlans,
    configs: settings.configs,
    presets: settings.presets,
    valueSpans,
    expectations,
    diagnostics: sorted,
    ok: graph !== undefined && !hasErrors(sorted),
  };
}
