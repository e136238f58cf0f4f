// The file's own claims (`claim …`), checked: a parameter count at given constants, properties that
// must hold or must not apply, and equivalence with another file.
import { analyze, type Expectation } from '@tdl/compiler';
import type { Checker, ModelSource } from './config.js';
import { testEquivalence } from './equiv.js';
import type { PropertyResult, Status } from './run.js';
import type { Kernels } from './subject.js';

export interface ExpectationResult {
  /** The expectation as the file says it (`params(124439808, d = 768)`). */
  readonly expectation: string;
  readonly status: Status;
  readonly reason?: string;
}

/** What checking an `equiv` expectation needs from the host: the other file's text. */
export type ReadModel = (path: string, from: string) => ModelSource;

export function describeExpectation(e: Expectation): string {
  switch (e.kind) {
    case 'params':
      return `params(${[String(e.total), ...Object.entries(e.set).map(([k, v]) => `${k} = ${v}`)].join(', ')})`;
    case 'holds':
    case 'not_applicable':
      return `${e.kind}(${e.properties.join(', ')})`;
    case 'equiv':
      return `equiv("${e.file}"${e.naming ? `, naming = ${e.naming}` : ''})`;
    default: {
      const never: never = e;
      return never;
    }
  }
}

export async function checkExpectation(
  e: Expectation,
  ctx: { checker: Checker; results: readonly PropertyResult[]; readModel?: ReadModel; runs: number; seed: number; kernels: Kernels },
): Promise<ExpectationResult> {
  const expectation = describeExpectation(e);
  const result = (reason: string | undefined, status: Status = reason === undefined ? 'passed' : 'failed'): ExpectationResult => ({ expectation, status, ...(reason !== undefined ? { reason } : {}) });
  switch (e.kind) {
    case 'params': {
      const r = ctx.checker.check(e.set);
      if (!r.ok || !r.graph) return result(`the file does not check with these constants`);
      const total = analyze(r.graph).params.total;
      return result(total === e.total ? undefined : `the file has ${total.toLocaleString('en-US')} parameters, it expects ${e.total.toLocaleString('en-US')}`);
    }
    case 'holds': {
      const wrong = e.properties.map((p) => ctx.results.find((r) => r.property === p)!).filter((r) => r.status !== 'passed');
      return result(wrong.length ? wrong.map((r) => `${r.property} ${r.status}${r.reason ? ` (${r.reason})` : ''}`).join('; ') : undefined);
    }
    case 'not_applicable': {
      const wrong = e.properties.map((p) => ctx.results.find((r) => r.property === p)!).filter((r) => r.status !== 'skipped');
      return result(wrong.length ? wrong.map((r) => `${r.property} applies (${r.status})`).join('; ') : undefined);
    }
    case 'equiv': {
      if (!ctx.readModel) return result('no way to read other model files was given', 'skipped');
      const other = ctx.readModel(e.file, ctx.checker.source.name);
      const r = await testEquivalence(ctx.checker.source, other, { runs: ctx.runs, seed: ctx.seed, kernels: ctx.kernels, ...(e.naming ? { naming: e.naming } : {}) });
      return result(r.status === 'passed' ? undefined : `${r.reason}; reproduce: ${r.command}`);
    }
    default: {
      const never: never = e;
      return never;
    }
  }
}
