/**
 * The `lineLogin.tokens` view: channels → accounts → tokens → claims. It redraws from the store on
 * every change (including other windows' changes, which the store reports) and once a minute, so
 * "expires in …" stays true without anyone touching it.
 */
import vscode = require('vscode');
import { sameAccount, type AccountKey, type TokenStore } from '../../core/tokenStore';
import type { ListedAccount } from '../../core/accountListing';
import type { AccountSelection } from '../accountSelection';
import type { ChannelRegistry } from '../channelRegistry';
import { CONTEXT_KEYS } from '../constants';
import { groupAccountsByChannel } from '../../core/accountModel';
import {
  AccountNode,
  ChannelNode,
  storeUnreadableNode,
  UnknownChannelNode,
  type TreeMoment,
  type RootNode,
  type TokenExplorerNode,
} from './nodes';

const TICK_MS = 60_000;

interface StoreSnapshot {
  accounts: readonly ListedAccount[];
  /** Why the store could not be read, when it could not. */
  failure: { error: unknown } | undefined;
}

interface ExplorerModel {
  snapshot: StoreSnapshot;
  roots: readonly RootNode[];
}

export interface TokenExplorerContextKeys {
  hasChannels: boolean;
  hasAccounts: boolean;
}

/** Events closer together than this are drawn as one (see #reloadSoon). */
const COALESCE_MS = 25;

export class TokenExplorer implements vscode.TreeDataProvider<TokenExplorerNode>, vscode.Disposable {
  readonly #channels: ChannelRegistry;
  readonly #store: TokenStore;
  readonly #selection: AccountSelection;
  readonly #now: () => number;
  readonly #onDidChangeTreeData = new vscode.EventEmitter<TokenExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.#onDidChangeTreeData.event;
  readonly #subscriptions: { dispose(): void }[] = [];
  readonly #timer: NodeJS.Timeout;
  #model: Promise<ExplorerModel>;
  #generation = 0;
  #contextKeys: TokenExplorerContextKeys | undefined;
  #pendingFire: NodeJS.Timeout | undefined;

  constructor(channels: ChannelRegistry, store: TokenStore, selection: AccountSelection, now: () => number = Date.now) {
    this.#channels = channels;
    this.#store = store;
    this.#selection = selection;
    this.#now = now;
    // Loaded now, not when the view first opens: the context keys drive the welcome view and the
    // Command Palette even while the view is hidden.
    this.#model = this.#load();
    this.#subscriptions.push(
      channels.onDidChange(() => {
        this.#reloadSoon();
      }),
      store.onDidChange(() => {
        this.#reloadSoon();
      }),
      selection.onDidChange(() => {
        this.#reloadSoon();
      }),
      this.#onDidChangeTreeData,
    );
    this.#timer = setInterval(() => void this.#tick(), TICK_MS);
    this.#timer.unref();
  }

  /** The context key values last set (undefined until the first load finished). */
  get contextKeys(): TokenExplorerContextKeys | undefined {
    return this.#contextKeys;
  }

  /** Re-reads the store and redraws the whole tree. */
  refresh(): void {
    clearTimeout(this.#pendingFire);
    this.#pendingFire = undefined;
    this.#model = this.#load();
    this.#onDidChangeTreeData.fire(undefined);
  }

  /**
   * The model is rebuilt at once (findAccountNode must see a new account), but the redraw is fired
   * once per burst: a sign-in changes the store and then the selection, and VS Code's extension host
   * debounces onDidChangeTreeData by 200 ms, so a second event would make reveal() wait that long.
   */
  #reloadSoon(): void {
    this.#model = this.#load();
    if (this.#pendingFire !== undefined) {
      return;
    }
    this.#pendingFire = setTimeout(() => {
      this.#pendingFire = undefined;
      this.#onDidChangeTreeData.fire(undefined);
    }, COALESCE_MS);
  }

  getTreeItem(node: TokenExplorerNode): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: TokenExplorerNode): Promise<TokenExplorerNode[]> {
    if (node !== undefined) {
      return [...(await node.loadChildren())];
    }
    return [...(await this.#model).roots];
  }

  getParent(node: TokenExplorerNode): TokenExplorerNode | undefined {
    return node.parent;
  }

  /**
   * The node of the current tree for this account, for `TreeView.reveal` after a sign-in. A pending
   * redraw is fired first: reveal resolves nodes against what VS Code was last told.
   */
  async findAccountNode(key: AccountKey): Promise<AccountNode | undefined> {
    if (this.#pendingFire !== undefined) {
      clearTimeout(this.#pendingFire);
      this.#pendingFire = undefined;
      this.#onDidChangeTreeData.fire(undefined);
    }
    const { roots } = await this.#model;
    for (const root of roots) {
      for (const child of root.children) {
        if (child instanceof AccountNode && sameAccount(child.account, key)) {
          return child;
        }
      }
    }
    return undefined;
  }

  dispose(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#pendingFire);
    for (const subscription of this.#subscriptions.splice(0)) {
      subscription.dispose();
    }
  }

  async #load(): Promise<ExplorerModel> {
    const generation = ++this.#generation;
    const snapshot = await this.#readStore();
    const model = this.#build(snapshot);
    if (generation === this.#generation) {
      this.#setContextKeys({
        hasChannels: this.#channels.list().length > 0,
        hasAccounts: snapshot.accounts.length > 0,
      });
    }
    return model;
  }

  async #readStore(): Promise<StoreSnapshot> {
    try {
      return { accounts: await this.#store.listAccounts(), failure: undefined };
    } catch (error) {
      return { accounts: [], failure: { error } };
    }
  }

  #build(snapshot: StoreSnapshot): ExplorerModel {
    const selected = this.#selection.get();
    const moment: TreeMoment = {
      now: this.#now(),
      isSelected: (key) => selected !== undefined && sameAccount(selected, key),
      tokensOf: (key) => this.#store.get(key),
    };
    const roots: RootNode[] = groupAccountsByChannel(this.#channels.list(), snapshot.accounts).map((group) =>
      group.channel === undefined
        ? new UnknownChannelNode(group.channelId, group.accounts, moment)
        : new ChannelNode(group.channel, group.accounts, moment),
    );
    if (snapshot.failure !== undefined) {
      roots.unshift(storeUnreadableNode('storeUnreadable', snapshot.failure.error));
    }
    return { snapshot, roots };
  }

  /** Redraws only when the passing of time changed some text, icon or menu. */
  async #tick(): Promise<void> {
    const current = this.#model;
    const model = await current;
    if (current !== this.#model) {
      return;
    }
    const next = this.#build(model.snapshot);
    // Only what VS Code has drawn is compared: nodes nobody expanded are built fresh when asked for.
    const drawn = new Set<string>();
    const before = fingerprint(model.roots, (node) => {
      if (node.childrenBuilt) {
        drawn.add(nodeKey(node));
      }
      return node.childrenBuilt;
    });
    if (fingerprint(next.roots, (node) => drawn.has(nodeKey(node))) !== before) {
      this.#model = Promise.resolve(next);
      this.#onDidChangeTreeData.fire(undefined);
    }
  }

  #setContextKeys(keys: TokenExplorerContextKeys): void {
    this.#contextKeys = keys;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasChannels, keys.hasChannels);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasAccounts, keys.hasAccounts);
  }
}

/** Everything the tree would draw, descending only where `expand` says, to tell whether a tick changed anything. */
function fingerprint(nodes: readonly TokenExplorerNode[], expand: (node: TokenExplorerNode) => boolean): string {
  return nodes.map((node) => `${describe(node)}\n${expand(node) ? fingerprint(node.children, expand) : ''}`).join('\n');
}

function nodeKey(node: TokenExplorerNode): string {
  const label = typeof node.label === 'string' ? node.label : (node.label?.label ?? '');
  return node.id ?? `${node.parent === undefined ? '' : nodeKey(node.parent)}/${label}`;
}

function describe(node: TokenExplorerNode): string {
  const label = typeof node.label === 'string' ? node.label : (node.label?.label ?? '');
  const tooltip = typeof node.tooltip === 'string' ? node.tooltip : (node.tooltip?.value ?? '');
  const description = typeof node.description === 'string' ? node.description : '';
  const icon =
    node.iconPath instanceof vscode.ThemeIcon
      ? node.iconPath.id
      : node.iconPath instanceof vscode.Uri
        ? node.iconPath.toString()
        : '';
  return [node.id, label, description, node.contextValue, tooltip, icon].join('\u0000');
}
