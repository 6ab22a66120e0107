/**
 * The Local LINE view while it runs: the two base URLs and the discovery URL, the channels (with
 * their callback URLs and the settings an app needs) and the users it serves, each copyable.
 * Channel secrets never appear here: "Copy Local LINE Settings for Your App" puts them on the
 * clipboard only. When stopped the view is empty and its welcome text (package.json) shows.
 */
import vscode = require('vscode');
import type { EmulatorChannel, EmulatorUser } from '../../../../emulator/index';
import { discoveryUrl, type LocalLineServer } from './server';
import { envPreview } from './envLines';

/**
 * A node of the view. A class, not a plain object: commands treat a plain object argument as
 * automation, a class instance as the node a menu passed.
 */
export class LocalLineNode {
  constructor(
    readonly kind: 'value' | 'channels' | 'channel' | 'users' | 'user' | 'env',
    readonly label: string,
    /** What "copy" copies (never a secret), or the channel ID of channel and env nodes. */
    readonly value: string,
    readonly channel?: EmulatorChannel,
  ) {}

  /** The commands' channel argument (channelFromInvocation reads `channelId`). */
  get channelId(): string | undefined {
    return this.channel?.channelId;
  }
}

export class LocalLineView implements vscode.TreeDataProvider<LocalLineNode>, vscode.Disposable {
  readonly #onDidChange = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.#onDidChange.event;
  readonly #server: LocalLineServer;
  readonly #subscription: vscode.Disposable;

  constructor(server: LocalLineServer) {
    this.#server = server;
    this.#subscription = server.onDidChange(() => {
      this.#onDidChange.fire(undefined);
    });
  }

  getChildren(node?: LocalLineNode): LocalLineNode[] {
    const running = this.#server.running;
    if (running === undefined) {
      return [];
    }
    const { emulator, served } = running;
    if (node === undefined) {
      return [
        new LocalLineNode('value', vscode.l10n.t('Authorize base URL'), emulator.authorizeBaseUrl),
        new LocalLineNode('value', vscode.l10n.t('API base URL'), emulator.apiBaseUrl),
        new LocalLineNode('value', vscode.l10n.t('Discovery URL'), discoveryUrl(emulator.authorizeBaseUrl)),
        new LocalLineNode('channels', vscode.l10n.t('Channels ({0})', served.channels.length), ''),
        new LocalLineNode('users', vscode.l10n.t('Users ({0})', served.users.length), ''),
      ];
    }
    switch (node.kind) {
      case 'channels':
        return served.channels.map(
          (channel) => new LocalLineNode('channel', channel.name ?? channel.channelId, channel.channelId, channel),
        );
      case 'channel':
        return node.channel === undefined
          ? []
          : [
              new LocalLineNode(
                'env',
                vscode.l10n.t('Settings for your app'),
                envPreview(node.channel, emulator),
                node.channel,
              ),
              ...node.channel.callbackUrls.map((url) => new LocalLineNode('value', vscode.l10n.t('Callback URL'), url)),
            ];
      case 'users':
        return served.users.map((user: EmulatorUser) => new LocalLineNode('user', user.displayName, user.userId));
      default:
        return [];
    }
  }

  getTreeItem(node: LocalLineNode): vscode.TreeItem {
    const collapsible =
      node.kind === 'channels' || node.kind === 'users'
        ? vscode.TreeItemCollapsibleState.Expanded
        : node.kind === 'channel'
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.contextValue = `localLine.${node.kind}`;
    switch (node.kind) {
      case 'value':
        item.description = node.value;
        item.tooltip = node.value;
        item.iconPath = new vscode.ThemeIcon('link');
        break;
      case 'channel':
        item.description = node.value;
        item.iconPath = new vscode.ThemeIcon('key');
        break;
      case 'user':
        item.description = node.value;
        item.iconPath = new vscode.ThemeIcon('person');
        break;
      case 'env':
        item.description = node.value;
        item.tooltip = vscode.l10n.t('Copies these lines with the channel secret to the clipboard.');
        item.iconPath = new vscode.ThemeIcon('symbol-variable');
        break;
      default:
        item.iconPath = new vscode.ThemeIcon(node.kind === 'users' ? 'organization' : 'server');
    }
    return item;
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#onDidChange.dispose();
  }
}
