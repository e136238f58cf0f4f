// The model files of models/ as examples to pick from, bundled into the page at build time.
const files = import.meta.glob('../../../models/*.tdl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface Example {
  readonly name: string;
  readonly text: string;
}

export const EXAMPLES: readonly Example[] = Object.entries(files)
  .map(([path, text]) => ({ name: path.slice(path.lastIndexOf('/') + 1), text }))
  .sort((a, b) => a.name.localeCompare(b.name));
