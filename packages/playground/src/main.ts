// The playground page: an editor on the language service, the `tdl info` table, the graph, the Run
// pane, examples from models/ and the file in the URL.
import { analyze as analyzeModel } from '@tdl/compiler';
import { analyze, diagnostics, formatInfo, type Analysis } from '@tdl/language-service';
import type { EditorView } from '@codemirror/view';
import { createEditor, editorExtensions, formatView, showInlays } from './editor.js';
import { EXAMPLES } from './examples.js';
import { drawGraph } from './graph-view.js';
import { runModel, type BackendChoice } from './run.js';
import { decodeShare, encodeShare } from './share.js';
import './style.css';

const FILE = 'playground.tdl';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// One analysis per text: the linter, hovers, inlays, table and graph all read the same one.
let last: Analysis | undefined;
function analysisOf(text: string): Analysis {
  if (last?.text !== text) last = analyze(FILE, text);
  return last;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

function refresh(view: EditorView) {
  const a = analysisOf(view.state.doc.toString());
  showInlays(view, a);
  const problems = $('problems');
  problems.replaceChildren(
    ...diagnostics(a).map((d) => {
      const li = document.createElement('li');
      li.className = d.severity;
      li.dataset['line'] = lineColumn(a.text, d.range.from).split(':')[0];
      li.textContent = `${lineColumn(a.text, d.range.from)} ${d.severity}[${d.code}]: ${d.message.split('\n').join(' — ')}`;
      li.onclick = () => view.dispatch({ selection: { anchor: d.range.from }, scrollIntoView: true });
      return li;
    }),
  );
  $('status').textContent = a.check.ok ? `ok: model ${a.check.graph?.name}` : `${problems.children.length} problem(s)`;
  $('status').className = a.check.ok ? 'ok' : 'bad';
  if (a.check.ok && a.check.graph) {
    $('info').textContent = formatInfo(analyzeModel(a.check.graph), FILE);
    $('graph').replaceChildren(drawGraph(a.check.graph));
  } else {
    const note = 'The file has errors (listed under the editor): the table and the graph return when it checks.';
    $('info').textContent = note;
    $('graph').textContent = note;
  }
  $<HTMLButtonElement>('run').disabled = !a.check.ok;
}

let timer: ReturnType<typeof setTimeout> | undefined;
const examples = $<HTMLSelectElement>('examples');
const initial = decodeShare(location.hash) ?? EXAMPLES.find((e) => e.name === 'gpt2.tdl')?.text ?? EXAMPLES[0]?.text ?? '';
const view: EditorView = createEditor(
  $('editor'),
  initial,
  editorExtensions(FILE, analysisOf, (text) => {
    // Once edited, the file is no longer the example the picker names.
    if (EXAMPLES.find((e) => e.name === examples.value)?.text !== text) examples.value = '';
    clearTimeout(timer);
    timer = setTimeout(() => refresh(view), 200);
  }),
);
refresh(view);

examples.append(new Option(decodeShare(location.hash) !== undefined ? '(from the link)' : '(your file)', ''));
for (const e of EXAMPLES) examples.append(new Option(e.name, e.name));
examples.value = decodeShare(location.hash) !== undefined ? '' : 'gpt2.tdl';
examples.onchange = () => {
  const e = EXAMPLES.find((x) => x.name === examples.value);
  if (e) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: e.text } });
};
$('format').onclick = () => formatView(view, FILE);
$('share').onclick = () => {
  history.replaceState(null, '', encodeShare(view.state.doc.toString()));
  void navigator.clipboard?.writeText(location.href).catch(() => {});
};

for (const button of document.querySelectorAll<HTMLButtonElement>('nav button')) {
  button.onclick = () => {
    for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b === button);
    for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t.id === `tab-${button.dataset['tab']}`);
  };
}

// A safetensors file dropped on the Run pane (or chosen) replaces the seeded random weights.
let dropped: { name: string; bytes: Uint8Array } | undefined;
const drop = $('drop');
const takeFile = async (file: File | undefined) => {
  if (!file) return;
  dropped = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  drop.firstChild!.textContent = `weights: ${file.name} (${(file.size / 1024).toFixed(1)} KiB) `;
};
drop.ondragover = (e) => e.preventDefault();
drop.ondrop = (e) => {
  e.preventDefault();
  void takeFile(e.dataTransfer?.files[0]);
};
$<HTMLInputElement>('weights').onchange = (e) => void takeFile((e.target as HTMLInputElement).files?.[0]);

$<HTMLFormElement>('run-form').onsubmit = async (e) => {
  e.preventDefault();
  const check = analysisOf(view.state.doc.toString()).check;
  const tokens = $('tokens');
  const error = $('run-error');
  tokens.textContent = '';
  error.textContent = '';
  $('speeds').textContent = '';
  $('run').setAttribute('disabled', '');
  document.body.dataset['run'] = 'running';
  try {
    const prompt = $<HTMLInputElement>('prompt').value.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    if (prompt.some((id) => !Number.isInteger(id) || id < 0)) throw new Error('prompt ids are whole numbers separated by commas');
    await runModel(
      {
        check,
        prompt,
        maxTokens: Number($<HTMLInputElement>('max-tokens').value),
        initSeed: Number($<HTMLInputElement>('init-seed').value),
        backend: $<HTMLSelectElement>('backend').value as BackendChoice,
        ...(dropped ? { weights: dropped } : {}),
      },
      {
        backend: (d) => ($('run-backend').textContent = d),
        token: (id) => (tokens.textContent += `${tokens.textContent ? ' ' : ''}${id}`),
        done: (t) => ($('speeds').textContent = `prefill ${t.prefillTokensPerSecond.toFixed(1)} tokens/s (${t.promptTokens} tokens), decode ${t.decodeTokensPerSecond.toFixed(1)} tokens/s (${t.generatedTokens} tokens)`),
      },
    );
    document.body.dataset['run'] = 'done';
  } catch (err) {
    error.textContent = err instanceof Error ? err.message : String(err);
    document.body.dataset['run'] = 'failed';
  } finally {
    $('run').removeAttribute('disabled');
  }
};
