// What a read-only document of the extension shows once it is open. The documents open in VS Code's
// Markdown preview (src/vscode/readOnlyDocuments.ts), a webview without a text editor to read, so
// this waits for the preview tab of the document the extension opened last and returns its Markdown.
import * as vscode from 'vscode';
import type { TestHooks } from '../../src/extension';
import { harnessAvailable, readText } from '../host/client';
import { eventually } from '../support/wait';

/**
 * Waits until the active tab is the Markdown preview of a document opened after `before` (the
 * `hooks.documents.lastShown` read before the action), and returns that document's text.
 */
export async function shownDocument(hooks: TestHooks, where: string, before: vscode.Uri | undefined): Promise<string> {
  let text: string | undefined;
  await eventually(() => {
    const uri = hooks.documents.lastShown;
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    if (uri === undefined || uri.toString() === before?.toString() || tab === undefined) {
      return false;
    }
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const isPreview = tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('markdown.preview');
    text = isPreview && tab.label.endsWith(name) ? hooks.documents.content(uri) : undefined;
    return text !== undefined;
  }, `${where} opens in the Markdown preview`);
  if (harnessAvailable()) {
    // The preview's webview has loaded (it takes the focus when it has, which would close a quick input
    // opened before).
    await readText('iframe.webview.ready');
  }
  return text ?? '';
}
