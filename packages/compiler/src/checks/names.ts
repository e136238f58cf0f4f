// How checks name things in messages: parameter paths as the user wrote their labels.
import { LAYER_INDEX } from '../lower/lowerer.js';

/** `h.{i}.mlp.up` → `mlp.up`: the label path as written inside the repeat body. */
export function userLabel(label: string): string {
  const marker = `${LAYER_INDEX}.`;
  const at = label.indexOf(marker);
  return at < 0 ? label : label.slice(at + marker.length);
}
