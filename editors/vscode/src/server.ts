// Locating the `jobflow` binary. Kept free of the `vscode` module so that it
// can be unit-tested with plain Node.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface ExpandContext {
  /** The user's home directory, for a leading `~`. */
  home: string;
  /** The first workspace folder, for `${workspaceFolder}`; undefined if none. */
  workspaceFolder?: string;
}

/** Expands a leading `~` and `${workspaceFolder}` / `${userHome}` in a setting. */
export function expandPath(raw: string, ctx: ExpandContext): string {
  let value = raw.trim();
  if (value === '~') {
    value = ctx.home;
  } else if (value.startsWith('~/') || value.startsWith('~\\')) {
    value = path.join(ctx.home, value.slice(2));
  }
  value = value.replace(/\$\{userHome\}/g, ctx.home);
  if (ctx.workspaceFolder !== undefined) {
    value = value.replace(/\$\{workspaceFolder\}/g, ctx.workspaceFolder);
  }
  return value;
}

export interface LookupContext {
  /** The PATH environment variable. */
  pathEnv: string | undefined;
  /** PATHEXT on Windows (`.EXE;.CMD;...`). */
  pathExt?: string;
  platform: NodeJS.Platform;
  /** Whether the path names an executable file; injectable for tests. */
  isExecutable?: (file: string) => boolean;
}

function defaultIsExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform === 'win32') {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the executable a command would start: a command with a directory part
 * is checked as it is; a bare name is searched on PATH (with PATHEXT on
 * Windows). Returns the full path, or undefined when nothing is found.
 */
export function findExecutable(command: string, ctx: LookupContext): string | undefined {
  const isExecutable = ctx.isExecutable ?? defaultIsExecutable;
  const win = ctx.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const exts = win
    ? ['', ...(ctx.pathExt ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e.length > 0)]
    : [''];
  const candidates = (base: string) => exts.map((e) => base + e);

  const hasDir = command.includes('/') || (win && command.includes('\\'));
  if (hasDir) {
    return candidates(command).find((c) => isExecutable(c));
  }
  const dirs = (ctx.pathEnv ?? '').split(win ? ';' : ':').filter((d) => d.length > 0);
  for (const dir of dirs) {
    const found = candidates(p.join(dir, command)).find((c) => isExecutable(c));
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

export interface ServerCommand {
  /** The command as configured, after expansion. */
  command: string;
  /** The resolved executable, or undefined when it was not found. */
  resolved: string | undefined;
  args: string[];
}

/** Builds `<path> lsp <extraArgs...>` from the settings. */
export function serverCommand(
  settingPath: string | undefined,
  extraArgs: readonly unknown[] | undefined,
  ctx: { workspaceFolder?: string; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; home?: string },
): ServerCommand {
  const env = ctx.env ?? process.env;
  const platform = ctx.platform ?? process.platform;
  const raw = settingPath && settingPath.trim().length > 0 ? settingPath : 'jobflow';
  let command = expandPath(raw, { home: ctx.home ?? os.homedir(), workspaceFolder: ctx.workspaceFolder });
  // a relative path with a directory part (`./target/debug/jobflow`) is
  // relative to the workspace folder
  const p = platform === 'win32' ? path.win32 : path.posix;
  const hasDir = command.includes('/') || (platform === 'win32' && command.includes('\\'));
  if (hasDir && !p.isAbsolute(command) && ctx.workspaceFolder !== undefined) {
    command = p.resolve(ctx.workspaceFolder, command);
  }
  const resolved = findExecutable(command, {
    pathEnv: env.PATH ?? env.Path,
    pathExt: env.PATHEXT,
    platform,
  });
  const args = ['lsp', ...(extraArgs ?? []).filter((a): a is string => typeof a === 'string')];
  return { command, resolved, args };
}
