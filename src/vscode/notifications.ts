/**
 * Every notification and modal question of the extension goes through here (a lint rule forbids
 * calling vscode.window.show*Message elsewhere). Their text carries what LINE and browser redirects
 * said (error descriptions, display names, scopes, claim values), and VS Code turns `[x](command:…)`
 * in it into a link that runs a command: the whole text is made link-free before VS Code sees it.
 */
import vscode = require('vscode');
import { linkFreeText } from '../core/markdownText';

export type NotificationKind = 'info' | 'warning' | 'error';

function showFor(kind: NotificationKind): typeof vscode.window.showErrorMessage {
  switch (kind) {
    case 'info':
      return vscode.window.showInformationMessage;
    case 'warning':
      return vscode.window.showWarningMessage;
    case 'error':
      return vscode.window.showErrorMessage;
  }
}

/** A notification without buttons; nothing to wait for. */
export function notify(kind: NotificationKind, message: string): void {
  void showFor(kind)(linkFreeText(message));
}

/** A notification with buttons; resolves with the one clicked, or undefined when dismissed. */
export function notifyWithActions<T extends vscode.MessageItem>(
  kind: NotificationKind,
  message: string,
  actions: readonly T[],
): Thenable<T | undefined> {
  return showFor(kind)(linkFreeText(message), ...actions);
}

/** A modal warning; true when the person chose `confirmLabel`. */
export async function confirmModal(question: string, detail: string, confirmLabel: string): Promise<boolean> {
  const picked = await vscode.window.showWarningMessage(
    linkFreeText(question),
    { modal: true, detail: linkFreeText(detail) },
    confirmLabel,
  );
  return picked === confirmLabel;
}
