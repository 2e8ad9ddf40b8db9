// VS Code client for the Jobflow language server (`jobflow lsp`, LSP over stdio).

import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from 'vscode-languageclient/node';
import { computeFolds } from './folding';
import { serverCommand } from './server';

const LANGUAGE_ID = 'jobflow';
const SETTINGS_QUERY = 'jobflow.server';

let client: LanguageClient | undefined;
let watcher: vscode.FileSystemWatcher | undefined;
let outputChannel: vscode.OutputChannel | undefined;
// Serialises start/stop so that quick restarts do not overlap.
let pending: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): void {
  outputChannel = vscode.window.createOutputChannel('Jobflow Language Server');
  context.subscriptions.push(outputChannel);

  context.subscriptions.push(
    vscode.commands.registerCommand('jobflow.restartServer', () => queue(() => restart(true))),
    vscode.commands.registerCommand('jobflow.showOutput', () => outputChannel?.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS_QUERY)) {
        void queue(() => restart(false));
      }
    }),
    vscode.languages.registerFoldingRangeProvider({ language: LANGUAGE_ID }, new BracketFoldingProvider()),
  );

  void queue(() => start());
}

export function deactivate(): Thenable<void> | undefined {
  return queue(() => stop());
}

function queue(task: () => Promise<void>): Promise<void> {
  pending = pending.then(task, task);
  return pending;
}

function log(message: string): void {
  outputChannel?.appendLine(`[client] ${message}`);
}

async function restart(announce: boolean): Promise<void> {
  await stop();
  await start();
  if (announce && client !== undefined) {
    vscode.window.setStatusBarMessage('Jobflow language server restarted', 3000);
  }
}

async function stop(): Promise<void> {
  watcher?.dispose();
  watcher = undefined;
  const old = client;
  client = undefined;
  if (old === undefined) {
    return;
  }
  try {
    // stops the server (shutdown, exit) if it runs; keeps our output channel
    await old.dispose(2000);
  } catch (err) {
    log(`error while stopping the server: ${errorText(err)}`);
  }
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration(SETTINGS_QUERY);
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const cmd = serverCommand(config.get<string>('path'), config.get<unknown[]>('extraArgs'), { workspaceFolder });

  if (cmd.resolved === undefined) {
    const where = cmd.command.includes('/') || cmd.command.includes('\\') ? 'does not exist or is not executable' : 'was not found on PATH';
    log(`cannot start the server: "${cmd.command}" ${where}`);
    void reportStartFailure(
      `Jobflow: the language server could not be started because "${cmd.command}" ${where}. ` +
        'Install the jobflow binary or set "jobflow.server.path" to its full path.',
    );
    return;
  }

  log(`starting ${cmd.resolved} ${cmd.args.join(' ')}`);
  // An Executable without a transport speaks LSP over stdin/stdout.
  // (TransportKind.stdio would add a `--stdio` argument, which `jobflow lsp`
  // does not take.)
  const serverOptions: ServerOptions = {
    command: cmd.resolved,
    args: cmd.args,
    options: { cwd: workspaceFolder, env: process.env },
  };

  // Sub-flows, data objects and scripts beside a flow change its diagnostics
  // (unknown paths, sub-flow parameters), so the server hears about them.
  watcher = vscode.workspace.createFileSystemWatcher('**/*.{jf,toml,sh}');

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    synchronize: { fileEvents: watcher },
    outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };

  const next = new LanguageClient('jobflow', 'Jobflow Language Server', serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
    log('server started');
  } catch (err) {
    if (client === next) {
      client = undefined;
    }
    log(`cannot start the server: ${errorText(err)}`);
    const hint = isNotFound(err)
      ? 'Install the jobflow binary or set "jobflow.server.path" to its full path.'
      : 'Check "jobflow.server.path" and "jobflow.server.extraArgs", and the output for details.';
    void reportStartFailure(`Jobflow: could not start "${cmd.command} ${cmd.args.join(' ')}": ${errorText(err)}. ${hint}`);
    try {
      await next.dispose(1000);
    } catch {
      // never started
    }
    watcher?.dispose();
    watcher = undefined;
  }
}

async function reportStartFailure(message: string): Promise<void> {
  const openSettings = 'Open Settings';
  const showOutput = 'Show Output';
  const choice = await vscode.window.showErrorMessage(message, openSettings, showOutput);
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS_QUERY);
  } else if (choice === showOutput) {
    outputChannel?.show(true);
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }
  if (typeof err === 'object' && err !== null && 'message' in err) {
    return String((err as { message: unknown }).message);
  }
  return String(err);
}

function isNotFound(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === 'ENOENT' || /ENOENT/.test(errorText(err));
}

/** Folding by brackets, triple-quoted strings, comment runs and region markers. */
class BracketFoldingProvider implements vscode.FoldingRangeProvider {
  provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
    return computeFolds(document.getText()).map((f) => {
      const kind =
        f.kind === 'comment'
          ? vscode.FoldingRangeKind.Comment
          : f.kind === 'region'
            ? vscode.FoldingRangeKind.Region
            : undefined;
      return new vscode.FoldingRange(f.start, f.end, kind);
    });
  }
}
