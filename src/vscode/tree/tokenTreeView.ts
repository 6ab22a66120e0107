/** The `lineLogin.tokens` view itself: the explorer's data shown in VS Code, and revealing an account in it. */
import { messageOf } from '../../core/messageOf';
import vscode = require('vscode');
import type { AccountKey } from '../../core/tokenStore';
import { TOKENS_VIEW_ID } from '../constants';
import type { Logger } from '../logger';
import type { TokenExplorer } from './tokenExplorer';

export class TokenTreeView implements vscode.Disposable {
  readonly view: vscode.TreeView<unknown>;
  readonly #explorer: TokenExplorer;
  readonly #logger: Logger;

  constructor(explorer: TokenExplorer, logger: Logger) {
    this.#explorer = explorer;
    this.#logger = logger;
    this.view = vscode.window.createTreeView(TOKENS_VIEW_ID, { treeDataProvider: explorer, showCollapseAll: true });
  }

  /**
   * Selects the account's node; reveal() also opens the view, so a new account is in sight. Called
   * after a sign-in has succeeded: a tree that cannot show the node is logged, never a failure.
   */
  async revealAccount(key: AccountKey): Promise<void> {
    const node = await this.#explorer.findAccountNode(key);
    if (node === undefined) {
      return;
    }
    try {
      await this.view.reveal(node, { select: true, focus: false, expand: true });
    } catch (error) {
      this.#logger.warn(`The new account could not be revealed in the tree: ${messageOf(error)}`);
    }
  }

  dispose(): void {
    this.view.dispose();
  }
}
