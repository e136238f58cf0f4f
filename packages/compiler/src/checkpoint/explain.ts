// Says why a parameter pattern matches nothing: where the model's parameter paths part from it.
import { closestMatch, type ParamPattern } from '@tdl/dsl';
import { LAYER_INDEX } from '../lower/lowerer.js';
import { patternText, segmentMatches } from './pattern.js';

/** A one-line note: the first segment no parameter has, and what the parameters have there. */
export function explainNoMatch(pattern: ParamPattern, params: readonly string[]): string {
  let alive = params.map((p) => p.split('.'));
  const segs = pattern.segments;
  for (let k = 0; k < segs.length; k++) {
    const longer = alive.filter((p) => p.length > k);
    const next = longer.filter((p) => segmentMatches(segs[k]!, p[k]!));
    const prefix = segs.slice(0, k).map((s) => patternText({ segments: [s], span: pattern.span })).join('.');
    if (!next.length) {
      // A possible layer's index (`{i}`) is no option to list: the layers that exist are.
      const options = [...new Set(longer.map((p) => p[k]!))].filter((o) => o !== LAYER_INDEX);
      const where = k === 0 ? 'parameter paths start with' : `after '${prefix}' come`;
      if (!options.length) return `no parameter path goes on after '${prefix}'`;
      const seg = segs[k]!;
      const near = seg.kind === 'Name' ? closestMatch(seg.name, options) : undefined;
      const listed = options.length > 10 ? `${options.slice(0, 10).join(', ')} …` : options.join(', ');
      return `${near ? `did you mean '${near}'? ` : ''}${where} ${listed}`;
    }
    alive = next;
  }
  const example = alive.find((p) => p.length > segs.length);
  return example ? `parameter paths go on after '${patternText(pattern)}', as in ${example.join('.')}` : 'no parameter has this path';
}
