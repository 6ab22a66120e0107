/** Everything done with a signed-in account: verify, refresh, revoke, deauthorize, sign out, user data, copy. */
import vscode = require('vscode');
import type { IdTokenComparison, RevokeResult } from '../../core/accounts';
import { accountSummary, type AccountSummary } from '../../core/accountSummary';
import type { AccountKey } from '../../core/tokenStore';
import type { LineAccessTokenVerification, LineFriendshipStatus, LineProfile, LineUserInfo } from '../../core/types';
import * as notifications from '../notifications';
import { formatDateTime } from '../format';
import { pickAccount } from '../pickers';
import type { WindowServices } from '../services';
import { presentError } from '../errorMessages';
import {
  accountFromInvocation,
  booleanArg,
  confirmDestructive,
  rejectUnknownArgs,
  type Invocation,
} from './invocation';

/** The account a command acts on: from automation, the tree, or a quick pick. */
export async function resolveAccount(
  services: WindowServices,
  invocation: Invocation,
  extraArgs: readonly string[] = [],
): Promise<AccountKey | undefined> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['channelId', 'userId', ...extraArgs]);
  }
  return accountFromInvocation(invocation) ?? (await pickAccount(services, vscode.l10n.t('Which account?')));
}

function notify(invocation: Invocation, message: string): void {
  if (!invocation.automated) {
    notifications.notify('info', message);
  }
}

export async function verifyAccessToken(
  services: WindowServices,
  invocation: Invocation,
): Promise<(LineAccessTokenVerification & { valid: true }) | undefined> {
  const key = await resolveAccount(services, invocation);
  if (key === undefined) {
    return undefined;
  }
  const verification = await services.accounts.verifyAccessToken(key);
  const minutes = Math.floor(verification.expiresIn / 60);
  notify(
    invocation,
    vscode.l10n.t(
      'Access token is valid for channel {0}: {1} minutes left, scopes {2}.',
      verification.clientId,
      minutes,
      verification.scope.join(' '),
    ),
  );
  return { valid: true, ...verification };
}

export async function refreshAccessToken(
  services: WindowServices,
  invocation: Invocation,
): Promise<AccountSummary | undefined> {
  const key = await resolveAccount(services, invocation);
  if (key === undefined) {
    return undefined;
  }
  const refreshed = await services.accounts.refresh(key);
  services.rememberTokens(refreshed);
  const summary = accountSummary(refreshed, services.now());
  notify(
    invocation,
    vscode.l10n.t('Access token refreshed; it expires {0}.', formatDateTime(refreshed.accessTokenExpiresAt).local),
  );
  return summary;
}

/** What automation gets back from lineLogin.revokeAccessToken. */
export interface RevokeCommandResult {
  revokedOnServer: boolean;
  deletedLocally: boolean;
  serverErrorCode?: string;
}

export async function revokeAccessToken(
  services: WindowServices,
  invocation: Invocation,
): Promise<RevokeCommandResult | undefined> {
  const key = await resolveAccount(services, invocation, ['confirmed', 'deleteLocallyOnFailure']);
  if (key === undefined) {
    return undefined;
  }
  const deleteLocallyOnFailure = invocation.automated ? booleanArg(invocation.args, 'deleteLocallyOnFailure') : false;
  const confirmed = await confirmDestructive(
    invocation,
    vscode.l10n.t('Revoke the access token of {0}?', key.userId),
    vscode.l10n.t(
      'LINE invalidates the access token and its refresh token, and the account is removed from this VS Code. If LINE cannot be reached, the account is kept so that you can try again.',
    ),
    vscode.l10n.t('Revoke'),
  );
  if (!confirmed) {
    return undefined;
  }
  return revokeAndReport(services, key, invocation.automated, deleteLocallyOnFailure);
}

async function revokeAndReport(
  services: WindowServices,
  key: AccountKey,
  automated: boolean,
  deleteLocallyOnFailure: boolean,
): Promise<RevokeCommandResult> {
  const result = await services.accounts.revoke(key, { deleteLocallyOnFailure });
  if (result.deletedLocally) {
    await clearSelectionIf(services, key);
  }
  if (result.serverErrorMessage !== undefined) {
    services.logger.warn(`Revoke of ${key.channelId}/${key.userId}: ${result.serverErrorMessage}`);
  }
  if (!automated) {
    reportRevoke(services, key, result);
  }
  return {
    revokedOnServer: result.revokedOnServer,
    deletedLocally: result.deletedLocally,
    ...(result.serverErrorCode === undefined ? {} : { serverErrorCode: result.serverErrorCode }),
  };
}

/**
 * What happened, in the person's words. Only our error code is shown: LINE's own text stays in the
 * log, never in a notification (which would render it as Markdown).
 */
function reportRevoke(services: WindowServices, key: AccountKey, result: RevokeResult): void {
  const code = result.serverErrorCode ?? '';
  if (result.revokedOnServer) {
    notifications.notify(
      'info',
      vscode.l10n.t('LINE revoked the access token (200). The account was removed from this VS Code.'),
    );
    return;
  }
  if (result.deletedLocally) {
    notifications.notify(
      'info',
      vscode.l10n.t(
        'LINE refused the revocation ({0}), which means the token was no longer valid there. The account was removed from this VS Code.',
        code,
      ),
    );
    return;
  }
  const retry = vscode.l10n.t('Retry');
  const deleteAnyway = vscode.l10n.t('Delete Locally Anyway');
  void notifications
    .notifyWithActions(
      'warning',
      vscode.l10n.t(
        'LINE could not be reached or failed ({0}), so the token may still be valid there. The account is kept and marked in the tree; retry when LINE is reachable.',
        code,
      ),
      [{ title: retry }, { title: deleteAnyway }],
    )
    .then(async (picked) => {
      try {
        if (picked?.title === retry) {
          await revokeAndReport(services, key, false, false);
        } else if (picked?.title === deleteAnyway) {
          await services.accounts.signOut(key);
          await clearSelectionIf(services, key);
          notifications.notify(
            'info',
            vscode.l10n.t(
              'The account was removed from this VS Code. LINE did not revoke its tokens: they stay valid until they expire.',
            ),
          );
        }
      } catch (error) {
        notifications.notify('error', services.logger.redactor.redact(presentError(error).message));
      }
    });
}

export async function verifyIdToken(
  services: WindowServices,
  invocation: Invocation,
  show: (comparison: IdTokenComparison, key: AccountKey) => Promise<void>,
): Promise<IdTokenComparison | undefined> {
  const key = await resolveAccount(services, invocation);
  if (key === undefined) {
    return undefined;
  }
  const comparison = await services.accounts.verifyIdToken(key);
  if (!invocation.automated) {
    await show(comparison, key);
  }
  return comparison;
}

export async function getProfile(services: WindowServices, invocation: Invocation): Promise<LineProfile | undefined> {
  const key = await resolveAccount(services, invocation);
  if (key === undefined) {
    return undefined;
  }
  const profile = await services.accounts.getProfile(key);
  notify(
    invocation,
    vscode.l10n.t(
      'Profile: {0} ({1}){2}',
      profile.displayName,
      profile.userId,
      profile.statusMessage ? ` — ${profile.statusMessage}` : '',
    ),
  );
  return profile;
}

export async function getUserInfo(services: WindowServices, invocation: Invocation): Promise<LineUserInfo | undefined> {
  const key = await resolveAccount(services, invocation);
  if (key === undefined) {
    return undefined;
  }
  const userInfo = await services.accounts.getUserInfo(key);
  notify(invocation, vscode.l10n.t('User info: sub {0}, name {1}', userInfo.sub, userInfo.name ?? '—'));
  return userInfo;
}

export async function getFriendshipStatus(
  services: WindowServices,
  invocation: Invocation,
): Promise<LineFriendshipStatus | undefined> {
  const key = await resolveAccount(services, invocation);
  if (key === undefined) {
    return undefined;
  }
  const status = await services.accounts.getFriendshipStatus(key);
  notify(
    invocation,
    status.friendFlag
      ? vscode.l10n.t("The user is a friend of the channel's linked LINE Official Account.")
      : vscode.l10n.t("The user is not a friend of the channel's linked LINE Official Account (or none is linked)."),
  );
  return status;
}

export async function deauthorize(
  services: WindowServices,
  invocation: Invocation,
): Promise<{ deauthorizedOnServer: true; deletedLocally: boolean } | undefined> {
  const key = await resolveAccount(services, invocation, ['confirmed']);
  if (key === undefined) {
    return undefined;
  }
  const confirmed = await confirmDestructive(
    invocation,
    vscode.l10n.t('Deauthorize the app for {0}?', key.userId),
    vscode.l10n.t(
      "LINE removes this user's permission for channel {0} (as when a user unregisters from your service). All of the user's tokens for the channel stop working. A stateless channel access token is issued for this call.",
      key.channelId,
    ),
    vscode.l10n.t('Deauthorize'),
  );
  if (!confirmed) {
    return undefined;
  }
  const result = await services.accounts.deauthorize(key);
  await clearSelectionIf(services, key);
  notify(
    invocation,
    vscode.l10n.t('LINE deauthorized the app for {0} (204). The account was removed from this VS Code.', key.userId),
  );
  return result;
}

export async function signOut(
  services: WindowServices,
  invocation: Invocation,
): Promise<{ signedOut: boolean } | undefined> {
  const key = await resolveAccount(services, invocation, ['confirmed']);
  if (key === undefined) {
    return undefined;
  }
  const signedOut = await services.accounts.signOut(key);
  await clearSelectionIf(services, key);
  notify(
    invocation,
    vscode.l10n.t(
      'Signed out locally. LINE was not told: the tokens stay valid until they expire (use Revoke to end them).',
    ),
  );
  return { signedOut };
}

export async function selectAccount(
  services: WindowServices,
  invocation: Invocation,
): Promise<AccountSummary | undefined> {
  const key = await resolveAccount(services, invocation);
  if (key === undefined) {
    return undefined;
  }
  const tokenSet = await services.accounts.require(key);
  await services.selection.set(key);
  return accountSummary(tokenSet, services.now());
}

export type CopyKind = 'accessToken' | 'authorizationHeader' | 'curl';

/**
 * Copying a token is an explicit user action (docs/security.md §12). The command result says
 * what was copied, never the value.
 */
export async function copyToClipboard(
  services: WindowServices,
  invocation: Invocation,
  kind: CopyKind,
): Promise<{ copied: CopyKind } | undefined> {
  const key = await resolveAccount(services, invocation);
  if (key === undefined) {
    return undefined;
  }
  const tokenSet = await services.accounts.require(key);
  const profileUrl = new URL('/v2/profile', services.client.endpoints.apiBaseUrl).toString();
  const text =
    kind === 'accessToken'
      ? tokenSet.accessToken
      : kind === 'authorizationHeader'
        ? `Authorization: Bearer ${tokenSet.accessToken}`
        : `curl -sS -H 'Authorization: Bearer ${tokenSet.accessToken}' '${profileUrl}'`;
  await vscode.env.clipboard.writeText(text);
  services.logger.info(`Copied ${kind} of ${key.channelId}/${key.userId} to the clipboard.`);
  if (!invocation.automated) {
    void vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Copied. Treat it like a password.'), 4000);
  }
  return { copied: kind };
}

async function clearSelectionIf(services: WindowServices, key: AccountKey): Promise<void> {
  if (services.selection.is(key)) {
    await services.selection.set(undefined);
  }
}
