/**
 * Read-only virtual documents for token details, decoded JWTs and verification reports. Not untitled
 * documents: VS Code's hot exit would write those to disk, and these show token previews and claims.
 */
import vscode = require('vscode');

export const DOCUMENT_SCHEME = 'line-login';

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  readonly #contents = new Map<string, string>();
  readonly #onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.#onDidChange.event;
  readonly #registration: vscode.Disposable;
  #counter = 0;

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
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
    return uri;
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
