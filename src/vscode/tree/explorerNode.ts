/** The base of every token explorer node: a TreeItem that knows its parent and its children. */
import vscode = require('vscode');
import type { TokenExplorerNode } from './nodes';

export abstract class ExplorerNode extends vscode.TreeItem {
  readonly parent: TokenExplorerNode | undefined;
  /** Built on first request: with 1,000 accounts most are never expanded (issue 15). */
  #children: readonly TokenExplorerNode[] | (() => readonly TokenExplorerNode[]) = [];

  constructor(label: string, collapsibleState: vscode.TreeItemCollapsibleState, parent: TokenExplorerNode | undefined) {
    super(label, collapsibleState);
    this.parent = parent;
  }

  get children(): readonly TokenExplorerNode[] {
    if (typeof this.#children === 'function') {
      this.#children = this.#children();
    }
    return this.#children;
  }

  /** Whether the children exist yet (someone asked for them). */
  get childrenBuilt(): boolean {
    return typeof this.#children !== 'function';
  }

  protected setChildren(children: readonly TokenExplorerNode[] | (() => readonly TokenExplorerNode[])): void {
    this.#children = children;
  }
}
