// Expands a call to a sub-block: binds its parameters in a fresh scope and lowers its body under the call's label.
import { diagnostic, type BlockDecl, type Call, type Param } from '@tdl/dsl';
import { bindArgs } from './bind.js';
import type { Lowerer } from './lowerer.js';
import { PRELUDE_FILE } from './prelude.js';
import { Scope, type Binding } from './scope.js';
import { ERROR, type Located, type Value } from './values.js';

/** A block with the scope its body sees (the model's constants for blocks declared in a model). */
export interface BlockEntry {
  readonly decl: BlockDecl;
  readonly scope: Scope;
}

export function lowerBlockCall(lw: Lowerer, entry: BlockEntry, call: Call, values: Located[]): Value {
  const { decl } = entry;
  const name = decl.name.name;
  if (lw.blockStack.includes(name)) {
    return lw.error('E0211', call.callee.span, `block '${name}' calls itself`, `through ${[...lw.blockStack, name].join(' -> ')}`);
  }
  const specs = decl.params.map((p) => ({ name: p.name.name, kind: 'tensor' as const, ...(p.default ? { default: 'given' } : {}) }));
  const bound = bindArgs(call, `block '${name}'`, specs, values, false);
  lw.report(bound.diagnostics);
  if (bound.diagnostics.length) return ERROR;

  const scope = new Scope(entry.scope);
  const params = decl.params.map((p) => {
    const arg = bound.args.get(p.name.name);
    const value = arg ? arg.value : lw.hooks.lowerExpr(lw, p.default!, scope);
    return { decl: p, binding: scope.define(p.name.name, value, p.name.span, true) };
  });
  const label = lw.claimLabel(call.label ? { name: call.label.name, span: call.label.span } : undefined, name);
  const savedPrefix = lw.prefix;
  const savedPreludeCall = lw.preludeCall;
  if (decl.span.file === PRELUDE_FILE) lw.preludeCall ??= { span: call.span, block: name };
  lw.prefix = [...savedPrefix, label.split('.').pop()!];
  lw.blockStack.push(name);
  try {
    lw.hooks.lowerStatements(lw, decl.body, scope);
    const result = lw.hooks.lowerExpr(lw, decl.result, scope);
    warnUnusedParams(lw, name, params);
    return result;
  } finally {
    lw.blockStack.pop();
    lw.prefix = savedPrefix;
    lw.preludeCall = savedPreludeCall;
  }
}

/** A block parameter the body never reads is a warning (prefix it with _ to silence it); the prelude's are all read. */
function warnUnusedParams(lw: Lowerer, block: string, params: readonly { decl: Param; binding: Binding }[]) {
  for (const { decl, binding } of params) {
    if (binding.used || decl.name.name.startsWith('_') || decl.span.file === PRELUDE_FILE) continue;
    lw.diagnostics.push(
      diagnostic('W0404', decl.name.span, `parameter '${decl.name.name}' of block '${block}' is never used`, { label: 'prefix it with _ to silence this' }),
    );
  }
}
