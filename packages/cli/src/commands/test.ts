// tdl test: checks the properties every model file implies (@tdl/testing) on files and folders of them;
// one line per property, a reproducing command under each failure; exit 1 if any fails.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '@tdl/runtime';
import { ConfigError, formatReport, PROPERTIES, reportPassed, testModel, type ModelReport } from '@tdl/testing';
import { SET_FLAG, boolFlag, numberFlag, overrides, parseIds, plural, stringFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { errorLine, readText, type CliIO } from '../io.js';
import { checkFile, ModelError } from '../model.js';
import { testHost } from '../test-host.js';

export const testSpec: CommandSpec = {
  name: 'test',
  args: 'FILE|DIR...',
  summary: "Check the properties a model file implies (shapes, causality, KV cache, windows, memory, threads, namings, parameter counts, CPU = WebGPU) on random shrunk configurations of its constants. Exits 1 if any fails.",
  flags: [
    { name: 'runs', type: 'string', value: 'N', default: '10', doc: 'random cases per property' },
    { name: 'seed', type: 'string', value: 'S', default: '0', doc: "fast-check's seed; with --ids, the seed of the one case (weights and memory)" },
    { name: 'ids', type: 'string', value: '1,2,3', doc: 'run one case with these token ids at the --set configuration (a failure prints this command)' },
    { name: 'only', type: 'string', value: 'NAME', multiple: true, doc: `only this property (repeatable): ${PROPERTIES.map((p) => p.name).join(', ')}` },
    { name: 'no-webgpu', type: 'boolean', doc: 'skip CPU = WebGPU without looking for an adapter' },
    { name: 'json', type: 'boolean', doc: 'print one JSON array of reports instead of lines' },
    SET_FLAG,
  ],
};

/** The model files named: files as given, folders by the `.tdl` files directly inside them. */
export function modelFilesOf(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      return [p]; // readText reports it
    }
    if (!dir) return [p];
    const files = readdirSync(p)
      .filter((f) => f.endsWith('.tdl'))
      .sort()
      .map((f) => join(p, f));
    if (!files.length) throw new UsageError(`${p} is a folder without .tdl files`);
    return files;
  });
}

/** The file an `claim equiv("…")` names, relative to the file that names it. */
function readModel(path: string, from: string): { name: string; text: string } {
  const name = join(dirname(from), path);
  return { name, text: readText(name) };
}

export async function runTest(args: ParsedArgs, io: CliIO): Promise<number> {
  if (!args.positionals.length) throw new UsageError("tdl test needs model files or folders ('tdl test --help' shows how)");
  const runs = numberFlag(args, 'runs', 10, { integer: true, min: 1, max: 100_000 });
  const seed = numberFlag(args, 'seed', 0, { integer: true, min: 0, max: 0x7fffffff });
  const idsText = stringFlag(args, 'ids');
  const ids = idsText === undefined ? undefined : parseIds(idsText);
  const onlyRaw = args.values['only'];
  const only = Array.isArray(onlyRaw) ? onlyRaw : undefined;
  const unknown = only?.find((n) => !PROPERTIES.some((p) => p.name === n));
  if (unknown !== undefined) throw new UsageError(`--only: no property '${unknown}' (the properties: ${PROPERTIES.map((p) => p.name).join(', ')})`);
  const json = boolFlag(args, 'json');
  const set = overrides(args);
  const host = testHost(io, !boolFlag(args, 'no-webgpu'));
  const files = modelFilesOf(args.positionals);
  const reports: ModelReport[] = [];
  let failed = 0;
  for (const file of files) {
    let report: ModelReport;
    try {
      if (!checkFile(io, file, set, false).ok) throw new ModelError(file);
      report = await testModel(
        { name: file, text: readText(file) },
        { ...host, runs, seed, set, readModel, ...(ids ? { ids } : {}), ...(only ? { only } : {}) },
      );
    } catch (error) {
      if (!(error instanceof UsageError || error instanceof ModelError || error instanceof ConfigError)) throw error;
      if (!(error instanceof ModelError)) io.stderr.write(errorLine(error.message));
      io.stdout.write(json ? '' : `${file}: not tested\n`);
      failed++;
      continue;
    }
    reports.push(report);
    if (!reportPassed(report)) failed++;
    if (!json) io.stdout.write(formatReport(report));
  }
  if (json) io.stdout.write(JSON.stringify(reports, null, 2) + '\n');
  else if (files.length > 1) io.stdout.write(failed ? `${plural(failed, 'file')} of ${files.length} failed\n` : `all ${files.length} files passed\n`);
  return failed ? 1 : 0;
}
