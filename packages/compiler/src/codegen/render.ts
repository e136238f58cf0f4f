// Compiles the embedded handlebars templates once, with the settings every code generator uses.
import Handlebars from 'handlebars';
import { TEMPLATES } from './templates.generated.js';

export type Template = (view: object) => string;

/** `strict` catches a view missing a field; `noEscape` keeps `<`, `>` and `&` as written. */
const OPTIONS = { strict: true, noEscape: true, knownHelpersOnly: true } as const;

/** A renderer for one target (`cpu`, `webgpu`): its templates by name, its partials registered. */
export function templatesFor(target: string): (name: string) => Template {
  const env = Handlebars.create();
  const prefix = `${target}/partials/`;
  for (const [path, text] of Object.entries(TEMPLATES)) {
    if (path.startsWith(prefix)) env.registerPartial(path.slice(prefix.length).replace(/\.hbs$/, ''), text);
  }
  const cache = new Map<string, Template>();
  return (name) => {
    let t = cache.get(name);
    if (!t) {
      const text = TEMPLATES[`${target}/templates/${name}.hbs`];
      if (text === undefined) throw new Error(`internal compiler error: no template ${target}/${name}`);
      t = env.compile(text, OPTIONS);
      cache.set(name, t);
    }
    return t;
  };
}
