// A progress bar on stderr for long loads: drawn only on a terminal and only for large files.
import type { CliIO } from './io.js';

/** Files smaller than this load too fast to need a bar. */
export const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

const MB = 1024 * 1024;

/** A callback drawing `label [####----]  45%  230/500 MB`, or undefined when no bar is wanted. */
export function progressBar(io: CliIO, label: string, total: number): ((done: number, total: number) => void) | undefined {
  if (!io.stderr.isTTY || total < PROGRESS_MIN_BYTES) return undefined;
  let shown = -1;
  return (done, all) => {
    const percent = Math.floor((100 * done) / all);
    if (percent === shown) return;
    shown = percent;
    const width = 30;
    const filled = Math.round((width * done) / all);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const line = `tdl: ${label} [${bar}] ${String(percent).padStart(3)}%  ${Math.round(done / MB)}/${Math.round(all / MB)} MB`;
    io.stderr.write(done >= all ? `\r${' '.repeat(line.length)}\r` : `\r${line}`);
  };
}
