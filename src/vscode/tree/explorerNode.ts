/** The base of every token explorer node: a TreeItem that knows its parent and its children. */
import vscode = require('vscode');
import type { TokenExplorerNode } from './nodes';

type Children = readonly TokenExplorerNode[];

export abstract class ExplorerNode extends vscode.TreeItem {
  readonly parent: TokenExplorerNode | undefined;
  /**
   * Built on first request: with 1,000 accounts most are never expanded (issue 15). An account's
   * children need its tokens, which are read then (the rows above come from the listing).
   */
  #children: Children | (() => Children | Promise<Children>) = [];
  #building: Promise<Children> | undefined;

  constructor(label: string, collapsibleState: vscode.TreeItemCollapsibleState, parent: TokenExplorerNode | undefined) {
    super(label, collapsibleState);
    this.parent = parent;
  }

  /** The children built so far: empty while ones that need a read are still being built (see loadChildren). */
  get children(): Children {
    if (typeof this.#children === 'function') {
      const built = this.#start(this.#children);
      return built instanceof Promise ? [] : built;
    }
    return this.#children;
  }

  /** The children, built (and read) now if nobody asked before. */
  async loadChildren(): Promise<Children> {
    if (typeof this.#children === 'function') {
      return this.#start(this.#children);
    }
    return this.#children;
  }

  /** Whether the children exist yet (someone asked for them). */
  get childrenBuilt(): boolean {
    return typeof this.#children !== 'function';
  }

  protected setChildren(children: Children | (() => Children | Promise<Children>)): void {
    this.#children = children;
    this.#building = undefined;
  }

  #start(build: () => Children | Promise<Children>): Children | Promise<Children> {
    if (this.#building !== undefined) {
      return this.#building;
    }
    const built = build();
    if (!(built instanceof Promise)) {
      this.#children = built;
      return built;
    }
    const building = built.then((children) => {
      if (this.#building === building) {
        this.#children = children;
        this.#building = undefined;
      }
      return children;
    });
    this.#building = building;
    return building;
  }
}
