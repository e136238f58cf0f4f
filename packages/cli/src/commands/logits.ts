// tdl logits: writes the logits of every prompt position as one [T, vocab] tensor.
import { encodeSafetensors, UsageError } from '@tdl/runtime';
import { SET_FLAG, parseIds, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { loadFacts, PRESET_FLAG, withFolderWeights } from '../folder.js';
import { resolveModelTarget } from '../gguf.js';
import { writeAtomic, type CliIO } from '../io.js';
import { loadModel, requireFile } from '../model.js';
import { openSession, WEIGHT_FLAGS } from '../session.js';

export const logitsSpec: CommandSpec = {
  name: 'logits',
  args: 'FILE|DIR|FILE.gguf --ids 1,2,3 --out OUT.safetensors',
  summary: "Run a prompt and write the logits of every position as one f32 tensor 'logits' [T, vocab].",
  flags: [
    { name: 'ids', type: 'string', value: '1,2,3', doc: 'the prompt as token ids' },
    ...WEIGHT_FLAGS,
    { name: 'out', type: 'string', value: 'FILE', doc: 'safetensors file to write' },
    PRESET_FLAG,
    SET_FLAG,
  ],
};

export async function runLogits(given: ParsedArgs, io: CliIO): Promise<number> {
  const positional = requireFile(given.positionals, 'logits');
  const args = given;
  const idsText = stringFlag(args, 'ids');
  const out = stringFlag(args, 'out');
  if (idsText === undefined) throw new UsageError('tdl logits needs --ids');
  if (!out) throw new UsageError('tdl logits needs --out FILE.safetensors');
  const ids = parseIds(idsText);
  const target = await resolveModelTarget(positional, args);
  const { graph, namings, text } = loadModel(io, target.file, target.overrides);
  const { executor, memory } = await openSession(graph, withFolderWeights(args, target), io, namings, loadFacts(target, text));
  let logits: Float32Array;
  try {
    if (memory) await executor.setMemory(memory.data, memory.length);
    logits = await executor.prefill(Int32Array.from(ids), { allLogits: true });
  } finally {
    executor.dispose();
  }
  writeAtomic(out, encodeSafetensors([{ name: 'logits', shape: [ids.length, executor.spec.vocabSize], data: logits }], { model: graph.name }));
  io.stdout.write(`${out}\n`);
  return 0;
}
