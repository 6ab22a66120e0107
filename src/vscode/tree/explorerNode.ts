/** The base of every token explorer node: a TreeItem that knows its parent and its children. */
import vscode = require('vscode');
import type { TokenExplorerNode } from './nodes';

export abstract class ExplorerNode extends vscode.TreeItem {
  readonly parent: TokenExplorerNode | undefined;
  #children: readonly TokenExplorerNode[] = [];

  constructor(label: string, collapsibleState: vscode.TreeItemCollapsibleState, parent: TokenExplorerNode | undefined) {
    super(label, collapsibleState);
    this.parent = parent;
  }

  get children(): readonly TokenExplorerNode[] {
    return this.#children;
  }

  protected setChildren(children: readonly TokenExplorerNode[]): void {
    this.#children = children;
  }
}
