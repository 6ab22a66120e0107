/**
 * The Local LINE view while it runs: the two base URLs and the discovery URL, the channels (with
 * their callback URLs and the settings an app needs) and the users it serves, each copyable.
 * Channel secrets never appear here: "Copy Local LINE Settings for Your App" puts them on the
 * clipboard only. When stopped the view is empty and its welcome text (package.json) shows.
 */
import vscode = require('vscode');
import type { LocalLineChannelConfig } from '../../../../emulator/index';
import { discoveryUrl, type LocalLineServer } from './server';
import { envPreview } from './envLines';
import { faultLabel } from './faults';

/**
 * A node of the view. A class, not a plain object: commands treat a plain object argument as
 * automation, a class instance as the node a menu passed.
 */
export class LocalLineNode {
  constructor(
    readonly kind: 'value' | 'channels' | 'channel' | 'users' | 'user' | 'env' | 'faults' | 'fault',
    readonly label: string,
    /** What "copy" copies (never a secret); the channel ID of channel and env nodes; a fault's endpoint. */
    readonly value: string,
    readonly channel?: LocalLineChannelConfig,
    /** A fault's "once", "sticky" or "n left". */
    readonly detail = '',
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
    const { emulator, config } = running;
    if (node === undefined) {
      return [
        new LocalLineNode('value', vscode.l10n.t('Authorize base URL'), emulator.authorizeBaseUrl),
        new LocalLineNode('value', vscode.l10n.t('API base URL'), emulator.apiBaseUrl),
        new LocalLineNode('value', vscode.l10n.t('Discovery URL'), discoveryUrl(emulator.authorizeBaseUrl)),
        new LocalLineNode('channels', vscode.l10n.t('Channels ({0})', config.channels.length), ''),
        new LocalLineNode('users', vscode.l10n.t('Users ({0})', config.users.length), ''),
        new LocalLineNode('faults', vscode.l10n.t('Faults ({0})', emulator.activeFaults().length), ''),
      ];
    }
    switch (node.kind) {
      case 'channels':
        return config.channels.map(
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
        return config.users.map((user) => new LocalLineNode('user', user.displayName, user.userId));
      case 'faults':
        return emulator
          .activeFaults()
          .map(
            (active) =>
              new LocalLineNode(
                'fault',
                `${active.endpoint}: ${faultLabel(active.fault)}`,
                active.endpoint,
                undefined,
                active.remaining === undefined
                  ? vscode.l10n.t('until cleared')
                  : vscode.l10n.t('{0} more request(s)', active.remaining),
              ),
          );
      default:
        return [];
    }
  }

  getTreeItem(node: LocalLineNode): vscode.TreeItem {
    const collapsible =
      node.kind === 'channels' || node.kind === 'users' || node.kind === 'faults'
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
      case 'fault':
        item.description = node.detail;
        item.iconPath = new vscode.ThemeIcon('warning');
        break;
      default:
        item.iconPath = new vscode.ThemeIcon(
          node.kind === 'users' ? 'organization' : node.kind === 'faults' ? 'debug-breakpoint-log' : 'server',
        );
    }
    return item;
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#onDidChange.dispose();
  }
}
