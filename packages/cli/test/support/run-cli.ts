// Runs the CLI through its own entry point, `main(argv, io)`, capturing what it writes.
import { main, type CliIO } from '../../src/index.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function tdl(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (s) => void (stdout += s) }, stderr: { write: (s) => void (stderr += s) } };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
