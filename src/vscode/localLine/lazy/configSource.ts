/**
 * Where Local LINE's configuration comes from and how it follows the file: read on Start (the
 * demo data when there is no file), re-read when the file is saved or changed on disk. A broken
 * file shows its problems as diagnostics (and a notification with "Open File") while the emulator
 * keeps serving the last good configuration.
 */
import vscode = require('vscode');
import { STARTER_LOCAL_LINE_CONFIG, type LocalLineConfig } from '../../../../emulator/index';
import { InputError, LocalLineError } from '../../../core/errors';
import { messageOf } from '../../../core/messageOf';
import { rejectUnknownArgs, type Invocation } from '../../commands/invocation';
import { notifyWithActions } from '../../notifications';
import type { LocalLineHost } from '../api';
import { CONFIG_FILE, ConfigDiagnostics, configUri, demoConfig, problemsText, readConfigFile } from './configFile';
import type { LocalLineServer } from './server';

export class ConfigSource implements vscode.Disposable {
  readonly #host: LocalLineHost;
  readonly #server: LocalLineServer;
  readonly #diagnostics = new ConfigDiagnostics();
  readonly #subscriptions: vscode.Disposable[] = [];

  constructor(host: LocalLineHost, server: LocalLineServer) {
    this.#host = host;
    this.#server = server;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder !== undefined) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, CONFIG_FILE));
      this.#subscriptions.push(
        watcher,
        watcher.onDidChange(() => void this.reload()),
        watcher.onDidCreate(() => void this.reload()),
        // The editor's save, in case the file watcher is slow or absent (remote file systems).
        vscode.workspace.onDidSaveTextDocument((document) => {
          if (document.uri.toString() === configUri()?.toString()) {
            void this.reload();
          }
        }),
      );
    }
  }

  /** What Start serves; a broken file is ERR_LOCAL_LINE_CONFIG_INVALID with its problems. */
  async served(): Promise<{ config: LocalLineConfig; source: 'file' | 'demo' }> {
    const reading = await readConfigFile();
    switch (reading.kind) {
      case 'absent':
        this.#diagnostics.clear();
        return { config: demoConfig(), source: 'demo' };
      case 'ok':
        this.#diagnostics.clear();
        return { config: reading.config, source: 'file' };
      case 'problems':
        this.#diagnostics.show(reading.uri, reading.problems);
        throw new LocalLineError('ERR_LOCAL_LINE_CONFIG_INVALID', problemsText(reading.problems));
    }
  }

  /** Re-reads the file into the running emulator; problems leave the last good configuration serving. */
  async reload(): Promise<void> {
    if (this.#server.running === undefined) {
      return;
    }
    const { logger } = this.#host.services;
    let problems: string;
    try {
      const reading = await readConfigFile();
      if (reading.kind === 'absent') {
        return; // a deleted file: keep serving what was configured
      }
      if (reading.kind === 'ok') {
        this.#server.reconfigure(reading.config, 'file');
        this.#diagnostics.clear();
        logger.info(`Local LINE now serves ${CONFIG_FILE}.`);
        return;
      }
      this.#diagnostics.show(reading.uri, reading.problems);
      problems = problemsText(reading.problems);
    } catch (error) {
      problems = `${CONFIG_FILE} ${messageOf(error)}`;
    }
    logger.warn(`Local LINE keeps its last good configuration: ${problems}`);
    const open = { title: vscode.l10n.t('Open File') };
    void notifyWithActions(
      'warning',
      vscode.l10n.t('Local LINE keeps serving its last good configuration: {0}', problems),
      [open],
    ).then(async (picked) => {
      const uri = configUri();
      if (picked === open && uri !== undefined) {
        await vscode.window.showTextDocument(uri);
      }
    });
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) {
      subscription.dispose();
    }
    this.#diagnostics.dispose();
  }
}

/** Writes the commented starter file (never over an existing one) and opens it. */
export async function createLocalLineConfig(invocation: Invocation): Promise<{ uri: string; created: boolean }> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, []);
  }
  const uri = configUri();
  if (uri === undefined) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      `Open a folder first: the Local LINE configuration is ${CONFIG_FILE} in the workspace folder.`,
    );
  }
  let created = false;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(STARTER_LOCAL_LINE_CONFIG));
    created = true;
  }
  if (!invocation.automated) {
    await vscode.window.showTextDocument(uri);
  }
  return { uri: uri.toString(), created };
}
