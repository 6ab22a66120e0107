/**
 * Whether this extension's sign-in points at Local LINE (its previous endpoints are kept to go
 * back): published at activation, because the menus that offer "Use LINE Again" read it before
 * anything of Local LINE is loaded.
 */
import vscode = require('vscode');
import { LOCAL_LINE_CONTEXT_KEYS, LOCAL_LINE_STATE_KEY } from './api';

export function publishLocalLineInUse(globalState: vscode.Memento): void {
  void vscode.commands.executeCommand(
    'setContext',
    LOCAL_LINE_CONTEXT_KEYS.inUse,
    globalState.get(LOCAL_LINE_STATE_KEY) !== undefined,
  );
}
