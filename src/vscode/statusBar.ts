/**
 * The status bar item: which LINE account commands use, and how long its access token has left.
 * Clicking it runs "Select Account".
 */
import vscode = require('vscode');
import { channelLabel } from '../core/channels';
import { sameAccount, type AccountKey, type TokenStore } from '../core/tokenStore';
import type { ListedAccount } from '../core/accountListing';
import type { AccountSelection } from './accountSelection';
import type { ChannelRegistry } from './channelRegistry';
import { COMMANDS } from './constants';
import { formatDateTimeBoth, formatDuration, formatExpiry } from './format';
import {
  accessTokenStatus,
  accountKeyOf,
  pickShownAccount,
  shortUserId,
  statusLevel,
  type StatusLevel,
} from '../core/accountModel';

const TICK_MS = 60_000;
const STATUS_BAR_ITEM_ID = 'lineLogin.account';

export interface AccountStatusBarSnapshot {
  visible: boolean;
  text: string;
  tooltip: string;
  warning: StatusLevel;
  /** The account shown, selected or (when none is) the first one. */
  account: AccountKey | undefined;
  /** False when the account is shown only because it is the first one. */
  selected: boolean;
}

const HIDDEN: AccountStatusBarSnapshot = {
  visible: false,
  text: '',
  tooltip: '',
  warning: 'none',
  account: undefined,
  selected: false,
};

const BACKGROUNDS: Record<StatusLevel, string | undefined> = {
  none: undefined,
  warning: 'statusBarItem.warningBackground',
  error: 'statusBarItem.errorBackground',
};

export class AccountStatusBar implements vscode.Disposable {
  readonly #store: TokenStore;
  readonly #selection: AccountSelection;
  readonly #channels: ChannelRegistry;
  readonly #now: () => number;
  readonly #item: vscode.StatusBarItem;
  readonly #subscriptions: { dispose(): void }[] = [];
  readonly #timer: NodeJS.Timeout;
  #accounts: readonly ListedAccount[] = [];
  #snapshot: AccountStatusBarSnapshot = HIDDEN;
  #generation = 0;

  constructor(store: TokenStore, selection: AccountSelection, channels: ChannelRegistry, now: () => number = Date.now) {
    this.#store = store;
    this.#selection = selection;
    this.#channels = channels;
    this.#now = now;
    this.#item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Left, 0);
    this.#item.name = vscode.l10n.t('LINE Login account');
    this.#item.command = COMMANDS.selectAccount;
    this.#subscriptions.push(
      this.#item,
      store.onDidChange(() => void this.update()),
      selection.onDidChange(() => {
        this.#render();
      }),
      channels.onDidChange(() => {
        this.#render();
      }),
    );
    this.#timer = setInterval(() => {
      this.#render();
    }, TICK_MS);
    this.#timer.unref();
    void this.update();
  }

  /** What the item shows right now, for tests and for anyone deciding whether to nag. */
  get snapshot(): AccountStatusBarSnapshot {
    return this.#snapshot;
  }

  /** Re-reads the store and redraws; resolves once the item shows the result. */
  async update(): Promise<void> {
    const generation = ++this.#generation;
    let accounts: readonly ListedAccount[];
    try {
      accounts = await this.#store.listAccounts();
    } catch {
      // The token explorer reports an unreadable store; here there is simply nothing to show.
      accounts = [];
    }
    if (generation !== this.#generation) {
      return;
    }
    this.#accounts = accounts;
    this.#render();
  }

  dispose(): void {
    clearInterval(this.#timer);
    for (const subscription of this.#subscriptions.splice(0)) {
      subscription.dispose();
    }
  }

  #render(): void {
    const selected = this.#selection.get();
    const account = pickShownAccount(this.#channels.list(), this.#accounts, selected);
    this.#snapshot =
      account === undefined
        ? HIDDEN
        : this.#describe(account, selected !== undefined && sameAccount(selected, account));
    this.#apply(this.#snapshot);
  }

  #describe(account: ListedAccount, selected: boolean): AccountStatusBarSnapshot {
    const now = this.#now();
    const name = account.label;
    const status = accessTokenStatus(account.accessTokenExpiresAt, now);
    const remaining =
      status === 'expired'
        ? vscode.l10n.t('expired')
        : vscode.l10n.t('{0} left', formatDuration(account.accessTokenExpiresAt - now));
    const channel = this.#channels.get(account.channelId);
    const lines = [
      vscode.l10n.t('LINE Login: {0} ({1})', name, shortUserId(account.userId)),
      vscode.l10n.t(
        'Channel: {0}',
        channel === undefined
          ? vscode.l10n.t('Unknown channel {0}', account.channelId)
          : `${channelLabel(channel)} (${channel.channelId})`,
      ),
      vscode.l10n.t('Access token: {0}', formatExpiry(account.accessTokenExpiresAt, now)),
      vscode.l10n.t('Expiry: {0}', formatDateTimeBoth(account.accessTokenExpiresAt)),
    ];
    if (account.revokeFailure !== undefined) {
      lines.push(vscode.l10n.t('Revoking failed: the tokens may still be valid at LINE. Revoke again.'));
    }
    if (!selected) {
      lines.push(vscode.l10n.t('No account is selected; this is the first one.'));
    }
    lines.push(vscode.l10n.t('Click to choose the account.'));
    return {
      visible: true,
      text: `$(account) ${escapeIcons(name)} · ${remaining}`,
      tooltip: lines.join('\n'),
      // A failed revoke is worth the same attention as an expiring token.
      warning: account.revokeFailure !== undefined && status === 'valid' ? 'warning' : statusLevel(status),
      account: accountKeyOf(account),
      selected,
    };
  }

  #apply(snapshot: AccountStatusBarSnapshot): void {
    if (!snapshot.visible) {
      this.#item.hide();
      return;
    }
    this.#item.text = snapshot.text;
    this.#item.tooltip = snapshot.tooltip;
    const background = BACKGROUNDS[snapshot.warning];
    this.#item.backgroundColor = background === undefined ? undefined : new vscode.ThemeColor(background);
    this.#item.accessibilityInformation = { label: snapshot.tooltip.split('\n').slice(0, 3).join(', ') };
    this.#item.show();
  }
}

/** A display name is user-chosen: `$(…)` in it must show as text, not as an icon. */
function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}
