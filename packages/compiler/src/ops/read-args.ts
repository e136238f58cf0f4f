// Reads bound call arguments with their defaults; kinds were already checked by the binder.
import type { Span } from '@tdl/dsl';
import type { TensorType, ValueId } from '../ir/nodes.js';
import type { Value } from '../lower/values.js';
import type { BoundArgs } from './op.js';

export interface TensorArg {
  readonly id: ValueId;
  readonly type: TensorType;
  readonly span: Span;
}

export function tensorArg(args: BoundArgs, name: string): TensorArg | undefined {
  const a = args.get(name);
  return a && a.value.kind === 'tensor' ? { id: a.value.id, type: a.value.type, span: a.span } : undefined;
}

export function numberArg(args: BoundArgs, name: string, fallback: number): number {
  const a = args.get(name);
  return a && a.value.kind === 'number' ? a.value.value : fallback;
}

export function boolArg(args: BoundArgs, name: string, fallback: boolean): boolean {
  const a = args.get(name);
  return a && a.value.kind === 'bool' ? a.value.value : fallback;
}

export function wordArg(args: BoundArgs, name: string): string | undefined {
  const a = args.get(name);
  return a && a.value.kind === 'word' ? a.value.word : undefined;
}

export function valueArg(args: BoundArgs, name: string): Value | undefined {
  return args.get(name)?.value;
}

/** True when any argument is an error value: the op then yields an error without new reports. */
export function anyError(args: BoundArgs): boolean {
  for (const a of args.values()) if (a.value.kind === 'error') return true;
  return false;
}
