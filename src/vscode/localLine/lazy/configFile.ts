/**
 * The workspace's Local LINE configuration, `.vscode/line-emulator.json` (JSON with comments,
 * checked by the emulator's parseLocalLineConfig against schemas/line-emulator.schema.json, the
 * schema the editor uses too). Its problems are shown as diagnostics at their line and column.
 */
import vscode = require('vscode');
import { DEMO_CHANNEL, DEMO_USERS } from '../../../../emulator/demoData';
import { parseLocalLineConfig, type ConfigProblem, type LocalLineConfig } from '../../../../emulator/index';

export const CONFIG_FILE = '.vscode/line-emulator.json';

export type ConfigReading =
  | { kind: 'absent' }
  | { kind: 'ok'; config: LocalLineConfig; uri: vscode.Uri }
  | { kind: 'problems'; problems: ConfigProblem[]; uri: vscode.Uri };

/** The file in the first workspace folder; undefined without a folder. */
export function configUri(): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder === undefined ? undefined : vscode.Uri.joinPath(folder.uri, CONFIG_FILE);
}

export async function readConfigFile(): Promise<ConfigReading> {
  const uri = configUri();
  if (uri === undefined) {
    return { kind: 'absent' };
  }
  let text: string;
  try {
    // An open editor's unsaved text is not served: Local LINE follows the file, as saved.
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
      return { kind: 'absent' };
    }
    throw error;
  }
  const result = parseLocalLineConfig(text);
  return result.ok ? { kind: 'ok', config: result.config, uri } : { kind: 'problems', problems: result.problems, uri };
}

/** The emulator's demo channel and users as a configuration: what Local LINE serves without a file. */
export function demoConfig(): LocalLineConfig {
  return {
    channels: [
      {
        channelId: DEMO_CHANNEL.channelId,
        channelSecret: DEMO_CHANNEL.channelSecret,
        ...(DEMO_CHANNEL.name === undefined ? {} : { name: DEMO_CHANNEL.name }),
        callbackUrls: [...DEMO_CHANNEL.callbackUrls],
        kind: 'web',
      },
    ],
    users: DEMO_USERS.map((user) => ({
      userId: user.userId,
      displayName: user.displayName,
      ...(user.statusMessage === undefined ? {} : { statusMessage: user.statusMessage }),
      ...(user.email === undefined ? {} : { email: user.email }),
      friendOf: [...(user.friendOf ?? [])],
    })),
  };
}

/** `line:column message` of the first few problems, for an error message or a notification. */
export function problemsText(problems: readonly ConfigProblem[]): string {
  const shown = problems.slice(0, 3).map((problem) => `${problem.line}:${problem.column} ${problem.message}`);
  const more = problems.length > shown.length ? ` (+${problems.length - shown.length} more)` : '';
  return `${CONFIG_FILE} ${shown.join('; ')}${more}`;
}

export class ConfigDiagnostics implements vscode.Disposable {
  readonly #collection = vscode.languages.createDiagnosticCollection('Local LINE');

  show(uri: vscode.Uri, problems: readonly ConfigProblem[]): void {
    this.#collection.set(
      uri,
      problems.map((problem) => {
        const position = new vscode.Position(Math.max(problem.line - 1, 0), Math.max(problem.column - 1, 0));
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(position, position.translate(0, 1)),
          problem.message,
          vscode.DiagnosticSeverity.Error,
        );
        diagnostic.source = 'Local LINE';
        return diagnostic;
      }),
    );
  }

  clear(): void {
    this.#collection.clear();
  }

  dispose(): void {
    this.#collection.dispose();
  }
}
