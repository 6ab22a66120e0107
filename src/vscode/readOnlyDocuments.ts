/**
 * Read-only virtual documents for token details, decoded JWTs, verification reports and Inspector
 * flows. Not untitled documents: VS Code's hot exit would write those to disk, and these show token
 * previews and claims. They open rendered, in VS Code's Markdown preview: their tables and the
 * backslash escapes that keep LINE's text inert (core/markdownText.ts) are for a renderer, not for
 * reading; the preview's "Open Source" button still shows the Markdown.
 */
import vscode = require('vscode');

export const DOCUMENT_SCHEME = 'line-login';

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  readonly #contents = new Map<string, string>();
  readonly #onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.#onDidChange.event;
  readonly #registration: vscode.Disposable;
  #counter = 0;
  #lastShown: vscode.Uri | undefined;

  constructor() {
    this.#registration = vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.#contents.get(uri.toString()) ?? '';
  }

  /** Opens (or replaces) a Markdown document named `title`; returns its URI. */
  async show(title: string, markdown: string): Promise<vscode.Uri> {
    this.#counter += 1;
    // The counter keeps each report separate while the name stays readable in the tab.
    const uri = vscode.Uri.from({
      scheme: DOCUMENT_SCHEME,
      path: `/${this.#counter}/${title.replace(/[\\/:*?"<>|]/g, '-')}.md`,
    });
    this.#contents.set(uri.toString(), markdown);
    this.#onDidChange.fire(uri);
    this.#lastShown = uri;
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      // The built-in Markdown extension can be disabled; the source is still readable.
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: true });
    }
    return uri;
  }

  /** The document {@link show} opened last (for tests: a preview has no text editor to read). */
  get lastShown(): vscode.Uri | undefined {
    return this.#lastShown;
  }

  /** What a document currently shows (for tests and the preview). */
  content(uri: vscode.Uri): string | undefined {
    return this.#contents.get(uri.toString());
  }

  dispose(): void {
    this.#registration.dispose();
    this.#onDidChange.dispose();
    this.#contents.clear();
  }
}
