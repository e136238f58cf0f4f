// Presets: the published sizes a model file covers, each the constants it sets (`preset "gpt2-xl": d = 1600, …`).
import type { PresetDecl, Span } from '@tdl/dsl';
import type { ConstantValue } from '../lower/model.js';
import { asConstant, evalConfigExpr, isError } from './values.js';

export interface Preset {
  readonly name: string;
  /** The constants it sets; the others keep the file's values. */
  readonly values: Readonly<Record<string, ConstantValue>>;
  readonly doc?: string;
  readonly decl: PresetDecl;
}

/** A preset's values, or the first problem with one of them (for the check to place). */
export function readPreset(decl: PresetDecl): { preset: Preset; problems: { message: string; span: Span }[] } {
  const values: Record<string, ConstantValue> = {};
  const problems: { message: string; span: Span }[] = [];
  for (const b of decl.bindings) {
    const e = evalConfigExpr(b.value, new Map());
    const v = isError(e) || typeof e === 'boolean' ? undefined : asConstant(e);
    if (v === undefined) problems.push({ message: `a preset sets numbers, strings and lists of numbers: '${b.name.name}' is none of these`, span: b.value.span });
    else if (Object.prototype.hasOwnProperty.call(values, b.name.name)) problems.push({ message: `'${b.name.name}' is set twice`, span: b.name.span });
    else values[b.name.name] = v;
  }
  return { preset: { name: decl.name.value, values, ...(decl.doc !== undefined ? { doc: decl.doc } : {}), decl }, problems };
}
