// An operator's documentation from the compiler's registry, as Markdown for hovers and completions.
import type { OpDef } from '@tdl/compiler';

export function opSignature(op: OpDef): string {
  const args = op.args.map((a) => (a.default === undefined ? a.name : `${a.name} = ${a.default}`));
  return `${op.name}(${args.join(', ')})`;
}

export function opMarkdown(op: OpDef): string {
  const args = op.args.map((a) => `- \`${a.name}\` (${a.kind}${a.default === undefined ? ', required' : `, default ${a.default}`}): ${a.doc}`);
  return ['```tdl', opSignature(op), '```', op.summary, '', `Shapes: \`${op.shapes}\``, '', ...args].join('\n');
}
