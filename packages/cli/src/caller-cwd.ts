// Where the user was when they typed the command. The workspace's `pnpm tdl` script starts tdl in the
// repository root, whatever folder pnpm was called from; pnpm remembers that folder in INIT_CWD.

/** The workspace's name (package.json), whose `tdl` script runs this executable. */
export const WORKSPACE_PACKAGE = 'tdl-workspace';

/**
 * The folder relative paths on the command line mean: INIT_CWD when this process is the workspace's own
 * `tdl` script (so `cd models && pnpm tdl check gpt2.tdl` finds the file), else undefined (the process's
 * own working directory, as for any command).
 */
export function callerDirectory(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const fromRootScript = env['npm_lifecycle_event'] === 'tdl' && env['npm_package_name'] === WORKSPACE_PACKAGE;
  const dir = env['INIT_CWD'];
  return fromRootScript && dir ? dir : undefined;
}
