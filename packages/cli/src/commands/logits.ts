// tdl logits: writes the logits of every prompt position as one [T, vocab] tensor.
import { encodeSafetensors, UsageError } from '@tdl/runtime';
import { SET_FLAG, overrides, parseIds, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { writeAtomic, type CliIO } from '../io.js';
import { loadModel, requireFile } from '../model.js';
import { openSession, WEIGHT_FLAGS } from '../session.js';

export const logitsSpec: CommandSpec = {
  name: 'logits',
  args: 'FILE --ids 1,2,3 --out OUT.safetensors',
  summary: "Run a prompt and write the logits of every position as one f32 tensor 'logits' [T, vocab].",
  flags: [
    { name: 'ids', type: 'string', value: '1,2,3', doc: 'the prompt as token ids' },
    ...WEIGHT_FLAGS,
    { name: 'out', type: 'string', value: 'FILE', doc: 'safetensors file to write' },
    SET_FLAG,
  ],
};

export async function runLogits(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = requireFile(args.positionals, 'logits');
  const idsText = stringFlag(args, 'ids');
  const out = stringFlag(args, 'out');
  if (idsText === undefined) throw new UsageError('tdl logits needs --ids');
  if (!out) throw new UsageError('tdl logits needs --out FILE.safetensors');
  const ids = parseIds(idsText);
  const { graph, namings } = loadModel(io, file, overrides(args));
  const { executor, memory } = await openSession(graph, args, io, namings);
  if (memory) await executor.setMemory(memory.data, memory.length);
  const logits = await executor.prefill(Int32Array.from(ids), { allLogits: true });
  writeAtomic(out, encodeSafetensors([{ name: 'logits', shape: [ids.length, executor.spec.vocabSize], data: logits }], { model: graph.name }));
  io.stdout.write(`${out}\n`);
  return 0;
}
