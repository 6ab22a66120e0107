/**
 * The token explorer's nodes. Each is a TreeItem built once from a snapshot of the store, so a test
 * can read `label`, `description`, `contextValue` and `tooltip` straight off what getChildren returns.
 * Nodes carry account keys and token previews, never a token itself (docs/security.md §12).
 */
import vscode = require('vscode');
import { channelLabel, type ChannelConfig } from '../../core/channels';
import { isLineLoginError } from '../../core/errors';
import { tokenPreview } from '../../core/redact';
import { accountId, type AccountKey } from '../../core/tokenStore';
import type { TokenSet } from '../../core/types';
import type { ListedAccount } from '../../core/accountListing';
import { explainClaimsLocalized } from '../claimText';
import { formatDateTimeBoth, formatExpiry, formatRemaining } from '../format';
import {
  accessTokenContextValue,
  accessTokenStatus,
  accountContextValue,
  accountFlags,
  accountKeyOf,
  decodeStoredIdToken,
  idTokenContextValue,
  idTokenStatus,
  refreshTokenContextValue,
  refreshTokenExpiresAt,
  refreshTokenStatus,
  shortUserId,
  type AccessTokenStatus,
  type DecodedIdToken,
  type IdTokenStatus,
  type RefreshTokenStatus,
} from '../../core/accountModel';
import { ACCESS_TOKEN_COLORS, ID_TOKEN_COLORS, REFRESH_TOKEN_COLORS } from './tokenColors';
import { fitDescription, fitParts, type DescriptionPart } from './rowWidth';
import { ClaimNode, AmrMethodNode } from './claimNodes';
import { ExplorerNode } from './explorerNode';
import { ProfileNode, ProfileFieldNode } from './profileNodes';
import { Tooltip } from './tooltip';

export { AmrMethodNode, ClaimNode, ProfileFieldNode, ProfileNode };
export type { ProfileField } from './profileNodes';

export type TokenExplorerNode =
  | ChannelNode
  | UnknownChannelNode
  | MessageNode
  | AccountNode
  | AccessTokenNode
  | RefreshTokenNode
  | IdTokenNode
  | ClaimNode
  | AmrMethodNode
  | ProfileNode
  | ProfileFieldNode;

/** What the root of the tree holds. */
export type RootNode = ChannelNode | UnknownChannelNode | MessageNode;

/** The time and selection every node of one snapshot is drawn for (not VS Code's context keys or contextValue). */
export interface TreeMoment {
  now: number;
  isSelected(key: AccountKey): boolean;
  /** An account's tokens, read when its node is first expanded (the rows above come from the listing). */
  tokensOf(key: AccountKey): Promise<TokenSet | undefined>;
}

/** A configured LINE Login channel; its children are the accounts signed in to it. */
export class ChannelNode extends ExplorerNode {
  readonly kind = 'channel';
  readonly channelId: string;
  readonly channel: ChannelConfig;

  constructor(channel: ChannelConfig, accounts: readonly ListedAccount[], moment: TreeMoment) {
    super(
      channelLabel(channel),
      accounts.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
      undefined,
    );
    this.channel = channel;
    this.channelId = channel.channelId;
    this.id = `channel/${channel.channelId}`;
    this.contextValue = 'channel';
    // Without a name the label already is the ID.
    const description =
      channel.name === undefined
        ? undefined
        : fitDescription('channel', channelLabel(channel), channel.channelId, 'middle');
    if (description !== undefined) {
      this.description = description;
    }
    this.iconPath = new vscode.ThemeIcon('radio-tower');
    this.tooltip = new Tooltip()
      .heading(channelLabel(channel))
      .code(vscode.l10n.t('Channel ID'), channel.channelId)
      .code(vscode.l10n.t('Callback URL'), channel.callbackUrl)
      .row(vscode.l10n.t('Default scopes'), channel.scopes.join(' '))
      .build();
    this.setChildren(() => accounts.map((account) => new AccountNode(account, this, moment)));
  }
}

/** Accounts still stored for a channel that was removed from the settings: shown so nothing is hidden. */
export class UnknownChannelNode extends ExplorerNode {
  readonly kind = 'unknownChannel';
  readonly channelId: string;

  constructor(channelId: string, accounts: readonly ListedAccount[], moment: TreeMoment) {
    super(vscode.l10n.t('Unknown channel {0}', channelId), vscode.TreeItemCollapsibleState.Expanded, undefined);
    this.channelId = channelId;
    this.id = `unknownChannel/${channelId}`;
    // Not `channel`: signing in or editing needs the channel's configuration, which is gone.
    this.contextValue = 'channel:unknown';
    this.iconPath = new vscode.ThemeIcon('question');
    this.tooltip = new Tooltip()
      .heading(vscode.l10n.t('Unknown channel {0}', channelId))
      .note(
        vscode.l10n.t(
          'Tokens are still stored for this channel, but it is no longer in the lineLogin.channels setting. Add the channel again to use them, or sign the accounts out.',
        ),
      )
      .build();
    this.setChildren(() => accounts.map((account) => new AccountNode(account, this, moment)));
  }
}

/** A line of text in place of content that could not be shown (for example an unreadable store). */
export class MessageNode extends ExplorerNode {
  readonly kind = 'message';

  constructor(id: string, label: string, tooltip: string) {
    super(label, vscode.TreeItemCollapsibleState.None, undefined);
    this.id = `message/${id}`;
    this.contextValue = 'message';
    this.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    this.tooltip = tooltip;
  }
}

/** The row in place of what an unreadable store would have shown. */
export function storeUnreadableNode(id: string, error: unknown): MessageNode {
  // Only our own errors are known to carry no secret; anything else is summarized.
  return new MessageNode(
    id,
    vscode.l10n.t('Could not read the stored tokens'),
    isLineLoginError(error) ? error.message : vscode.l10n.t('The stored tokens could not be read.'),
  );
}

/** One signed-in user on one channel. */
export class AccountNode extends ExplorerNode {
  readonly kind = 'account';
  readonly account: AccountKey;
  readonly selected: boolean;
  readonly displayName: string;

  constructor(listed: ListedAccount, parent: ChannelNode | UnknownChannelNode, moment: TreeMoment) {
    const displayName = listed.label;
    super(displayName, vscode.TreeItemCollapsibleState.Collapsed, parent);
    this.displayName = displayName;
    this.account = accountKeyOf(listed);
    this.selected = moment.isSelected(this.account);
    this.id = `account/${accountId(this.account)}`;
    this.contextValue = accountContextValue(accountFlags(listed, this.selected));
    // When the row is full the user ID goes first (the tooltip has it), a failed revoke last.
    const parts: DescriptionPart[] = [];
    if (listed.revokeFailure !== undefined) {
      parts.push({ text: vscode.l10n.t('revoke failed'), rank: 3 });
    }
    if (displayName !== listed.userId) {
      // Otherwise the label already is the user ID.
      parts.push({ text: shortUserId(listed.userId), rank: 1 });
    }
    if (this.selected) {
      parts.push({ text: vscode.l10n.t('selected'), rank: 2 });
    }
    const description = fitParts('account', displayName, parts);
    if (description !== undefined) {
      this.description = description;
    }
    const picture = listed.pictureUrl;
    this.iconPath =
      listed.revokeFailure !== undefined
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : picture === undefined
          ? new vscode.ThemeIcon(this.selected ? 'pass-filled' : 'account')
          : vscode.Uri.parse(picture, true);

    const tooltip = new Tooltip()
      .heading(displayName)
      .code(vscode.l10n.t('User ID'), listed.userId)
      .code(vscode.l10n.t('Channel ID'), listed.channelId)
      .row(vscode.l10n.t('Scopes'), listed.scopes.join(' '))
      .row(vscode.l10n.t('Signed in'), formatDateTimeBoth(listed.originalIssuedAt))
      .row(vscode.l10n.t('Access token'), formatExpiry(listed.accessTokenExpiresAt, moment.now));
    if (this.selected) {
      tooltip.note(
        vscode.l10n.t('Selected: the status bar and commands run from the Command Palette use this account.'),
      );
    }
    if (listed.revokeFailure !== undefined) {
      tooltip.note(
        vscode.l10n.t(
          'Revoking failed at {0} ({1}): LINE was not reached, so the tokens may still be valid there. Run "Revoke Access Token" again, or sign out to delete them from this VS Code only.',
          formatDateTimeBoth(listed.revokeFailure.at),
          listed.revokeFailure.errorCode,
        ),
      );
    }
    this.tooltip = tooltip.build();

    this.setChildren(async () => {
      let tokenSet: TokenSet | undefined;
      try {
        tokenSet = await moment.tokensOf(this.account);
      } catch (error) {
        return [storeUnreadableNode(`${this.id ?? ''}/unreadable`, error)];
      }
      if (tokenSet === undefined) {
        // Gone since the listing was read: the redraw that follows removes this row.
        return [];
      }
      const children: TokenExplorerNode[] = [new AccessTokenNode(tokenSet, this, moment)];
      if (tokenSet.refreshToken !== undefined) {
        children.push(new RefreshTokenNode(tokenSet, tokenSet.refreshToken, this, moment));
      }
      const idToken = decodeStoredIdToken(tokenSet);
      if (tokenSet.idToken !== undefined && idToken !== undefined) {
        children.push(new IdTokenNode(tokenSet.idToken, idToken, this, moment));
      }
      if (tokenSet.profile !== undefined) {
        children.push(new ProfileNode(tokenSet.profile, this));
      }
      return children;
    });
  }
}

export class AccessTokenNode extends ExplorerNode {
  readonly kind = 'accessToken';
  readonly account: AccountKey;
  readonly status: AccessTokenStatus;
  readonly expiresAt: number;

  constructor(tokenSet: TokenSet, parent: AccountNode, moment: TreeMoment) {
    super(vscode.l10n.t('Access token'), vscode.TreeItemCollapsibleState.None, parent);
    this.account = parent.account;
    this.expiresAt = tokenSet.accessTokenExpiresAt;
    this.status = accessTokenStatus(this.expiresAt, moment.now);
    this.id = `${parent.id ?? ''}/accessToken`;
    this.contextValue = accessTokenContextValue(this.status);
    this.description = formatRemaining(this.expiresAt, moment.now);
    this.iconPath = new vscode.ThemeIcon('key', new vscode.ThemeColor(ACCESS_TOKEN_COLORS[this.status]));
    this.tooltip = new Tooltip()
      .heading(vscode.l10n.t('Access token'))
      .code(vscode.l10n.t('Token'), tokenPreview(tokenSet.accessToken))
      .row(vscode.l10n.t('Type'), tokenSet.tokenType)
      .row(vscode.l10n.t('Scopes'), tokenSet.scopes.join(' '))
      .row(vscode.l10n.t('Issued'), formatDateTimeBoth(tokenSet.accessTokenIssuedAt))
      .row(
        vscode.l10n.t('Expires'),
        `${formatDateTimeBoth(this.expiresAt)} · ${formatExpiry(this.expiresAt, moment.now)}`,
      )
      .note(vscode.l10n.t('Only the first characters are shown. Copy the token with "Copy Access Token".'))
      .build();
  }
}

export class RefreshTokenNode extends ExplorerNode {
  readonly kind = 'refreshToken';
  readonly account: AccountKey;
  readonly status: RefreshTokenStatus;
  /** An estimate: LINE's documented 90 days after the original sign-in. */
  readonly expiresAt: number;

  constructor(tokenSet: TokenSet, refreshToken: string, parent: AccountNode, moment: TreeMoment) {
    super(vscode.l10n.t('Refresh token'), vscode.TreeItemCollapsibleState.None, parent);
    this.account = parent.account;
    this.expiresAt = refreshTokenExpiresAt(tokenSet) ?? tokenSet.originalIssuedAt;
    this.status = refreshTokenStatus(this.expiresAt, moment.now);
    this.id = `${parent.id ?? ''}/refreshToken`;
    this.contextValue = refreshTokenContextValue(this.status);
    // The date is in the tooltip: "valid until Feb 28, 2027" does not fit beside the Japanese label.
    this.description = formatRemaining(this.expiresAt, moment.now);
    this.iconPath = new vscode.ThemeIcon('history', new vscode.ThemeColor(REFRESH_TOKEN_COLORS[this.status]));
    this.tooltip = new Tooltip()
      .heading(vscode.l10n.t('Refresh token'))
      .code(vscode.l10n.t('Token'), tokenPreview(refreshToken))
      .row(
        vscode.l10n.t('Valid until (estimated)'),
        `${formatDateTimeBoth(this.expiresAt)} · ${formatExpiry(this.expiresAt, moment.now)}`,
      )
      .note(
        vscode.l10n.t(
          'Estimated: a LINE refresh token stays valid for 90 days after the original sign-in, and refreshing does not extend it.',
        ),
      )
      .build();
  }
}

export class IdTokenNode extends ExplorerNode {
  readonly kind = 'idToken';
  readonly account: AccountKey;
  readonly status: IdTokenStatus;
  readonly expiresAt: number | undefined;
  readonly alg: string | undefined;

  constructor(idToken: string, decoded: DecodedIdToken, parent: AccountNode, moment: TreeMoment) {
    super(vscode.l10n.t('ID token'), vscode.TreeItemCollapsibleState.Collapsed, parent);
    this.account = parent.account;
    this.expiresAt = decoded.expiresAt;
    this.alg = decoded.alg;
    this.status = idTokenStatus(decoded.expiresAt, moment.now);
    this.id = `${parent.id ?? ''}/idToken`;
    this.contextValue = idTokenContextValue(this.status);
    const expiry = decoded.expiresAt === undefined ? undefined : formatExpiry(decoded.expiresAt, moment.now);
    const remaining = decoded.expiresAt === undefined ? undefined : formatRemaining(decoded.expiresAt, moment.now);
    this.description = [decoded.alg, remaining].filter((part) => part !== undefined).join(' · ');
    this.iconPath = new vscode.ThemeIcon('verified', new vscode.ThemeColor(ID_TOKEN_COLORS[this.status]));

    const tooltip = new Tooltip()
      .heading(vscode.l10n.t('ID token'))
      .code(vscode.l10n.t('Token'), tokenPreview(idToken));
    if (decoded.alg !== undefined) {
      tooltip.row(vscode.l10n.t('Algorithm'), decoded.alg);
    }
    if (typeof decoded.header.kid === 'string') {
      tooltip.code(vscode.l10n.t('Key ID'), decoded.header.kid);
    }
    if (decoded.expiresAt !== undefined && expiry !== undefined) {
      tooltip.row(vscode.l10n.t('Expires'), `${formatDateTimeBoth(decoded.expiresAt)} · ${expiry}`);
    }
    this.tooltip = tooltip
      .note(vscode.l10n.t('Decoded for display only. Run "Verify ID Token" to check its signature and claims.'))
      .build();

    this.setChildren(
      explainClaimsLocalized(decoded.claims, moment.now).map(
        (explanation) => new ClaimNode(explanation, this, moment.now),
      ),
    );
  }
}
