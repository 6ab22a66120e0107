import type * as vscode from 'vscode';

// Composition root: builds the objects and registers everything (filled in by the extension issue).
export function activate(_context: vscode.ExtensionContext): void {
  // Intentionally empty until the VS Code layer lands.
}

export function deactivate(): void {
  // Nothing to release: every disposable is owned by context.subscriptions.
}
