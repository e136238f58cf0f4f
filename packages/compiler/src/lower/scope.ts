// Lexical scopes for names while lowering: constants, tensor variables, layer indices, block parameters.
import type { Span } from '@tdl/dsl';
import type { Value } from './values.js';

export interface Binding {
  readonly value: Value;
  readonly span: Span;
  /** Constants and layer indices cannot be reassigned; tensor variables can. */
  readonly mutable: boolean;
  /** Set once the name is read, for the unused-value warnings. */
  used: boolean;
}

export class Scope {
  private readonly names = new Map<string, Binding>();

  constructor(readonly parent?: Scope) {}

  lookup(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }

  /** The binding if it lives in this very scope. */
  own(name: string): Binding | undefined {
    return this.names.get(name);
  }

  define(name: string, value: Value, span: Span, mutable: boolean): Binding {
    const binding: Binding = { value, span, mutable, used: false };
    this.names.set(name, binding);
    return binding;
  }

  /** Every name visible from here, for "did you mean". */
  allNames(): string[] {
    return [...new Set([...this.names.keys(), ...(this.parent?.allNames() ?? [])])];
  }

  ownBindings(): [string, Binding][] {
    return [...this.names];
  }
}
