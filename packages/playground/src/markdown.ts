// A very small Markdown renderer for the language service's hovers: code fences, inline code, bold,
// list items and paragraphs, built as DOM nodes (text is never parsed as HTML).
export function renderMarkdown(markdown: string): HTMLElement {
  const root = document.createElement('div');
  root.className = 'md';
  const blocks = markdown.split(/\n{2,}/);
  for (const block of blocks) {
    const fence = /^```\w*\n([\s\S]*?)\n```$/.exec(block.trim());
    if (fence) {
      const pre = document.createElement('pre');
      pre.textContent = fence[1]!;
      root.append(pre);
      continue;
    }
    const lines = block.split('\n');
    if (lines.every((l) => l.startsWith('- '))) {
      const ul = document.createElement('ul');
      for (const l of lines) ul.append(inline('li', l.slice(2)));
      root.append(ul);
    } else root.append(inline('p', block));
  }
  return root;
}

function inline(tag: string, text: string): HTMLElement {
  const el = document.createElement(tag);
  for (const part of text.split(/(`[^`]+`|\*\*[^*]+\*\*)/)) {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) {
      const code = document.createElement('code');
      code.textContent = part.slice(1, -1);
      el.append(code);
    } else if (part.startsWith('**') && part.endsWith('**') && part.length > 3) {
      const b = document.createElement('b');
      b.textContent = part.slice(2, -2);
      el.append(b);
    } else el.append(part);
  }
  return el;
}
