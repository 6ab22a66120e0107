/** The token store itself: saving tokens kept in memory, and (for a store that cannot recover) a reset. */
import vscode = require('vscode');
import { presentError } from '../errorMessages';
import { notify, notifyWithActions } from '../notifications';
import type { WindowServices } from '../services';
import type { SetAsideReport } from '../../core/tokenStore';
import { confirmDestructive, rejectUnknownArgs, type Invocation } from './invocation';

export interface ResetResult {
  /** null when the document could not be read (which is what a reset is for). */
  removedAccounts: number | null;
  /** Copies of unreadable documents that were kept, now deleted too. */
  removedBackups: number;
}

/**
 * "Reset Stored Tokens…": the way out when the store cannot recover by itself. Deletes every
 * account on this machine, readable or not; LINE is not told. Channels and their secrets stay.
 */
export async function resetStoredTokens(
  services: WindowServices,
  invocation: Invocation,
): Promise<ResetResult | undefined> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['confirmed']);
  }
  const confirmed = await confirmDestructive(
    invocation,
    vscode.l10n.t('Reset the stored LINE Login tokens?'),
    vscode.l10n.t(
      "Every signed-in account is removed from this machine's secret storage, with the copies of unreadable data kept earlier. LINE is not told: the tokens stay valid until they expire, so revoke them first where you can. Channels and their secrets are kept.",
    ),
    vscode.l10n.t('Reset'),
  );
  if (!confirmed) {
    return undefined;
  }
  const report = await services.store.reset();
  await services.selection.set(undefined);
  services.logger.info(
    `Stored tokens reset: ${report.removedAccounts === undefined ? 'an unreadable document' : `${String(report.removedAccounts)} account(s)`} and ${String(report.removedBackups)} set-aside copies removed.`,
  );
  if (!invocation.automated) {
    notify('info', vscode.l10n.t('The stored tokens were reset. Sign in again to use an account.'));
  }
  return { removedAccounts: report.removedAccounts ?? null, removedBackups: report.removedBackups };
}

/**
 * Tells the person, once, that an unreadable accounts document was moved aside. Only the window that
 * moved it hears of it; the others find a readable document afterwards.
 */
/** Says that an unreadable accounts document was moved aside (the store reports it; see snapshotTokenStore.ts). */
export function showSetAside(services: WindowServices, report: SetAsideReport): void {
  const showLog = vscode.l10n.t('Show Log');
  void notifyWithActions(
    'warning',
    vscode.l10n.t(
      'The stored LINE Login tokens could not be read ({0}). They were moved aside in secret storage, not deleted, and {1} readable account(s) were kept. Sign in again for any other account.',
      report.reason,
      report.salvaged,
    ),
    [{ title: showLog }],
  ).then((picked) => {
    if (picked?.title === showLog) {
      services.logger.show();
    }
  });
}

/** Tokens that could not be saved are kept in memory; this tries again and says how it went. */
export async function retrySavingTokens(services: WindowServices): Promise<boolean> {
  try {
    if (await services.store.saveUnsaved()) {
      notify('info', vscode.l10n.t('The tokens kept in memory are saved.'));
      return true;
    }
  } catch (error) {
    services.logger.warn(`Saving the tokens kept in memory failed again: ${presentError(error).message}`);
  }
  offerRetrySaving(services);
  return false;
}

/** The warning shown while tokens exist only in this window's memory, with its one way out. */
export function offerRetrySaving(services: WindowServices): void {
  const accounts = services.store.unsavedAccounts();
  if (accounts.length === 0) {
    return;
  }
  const retry = vscode.l10n.t('Retry Saving');
  void notifyWithActions(
    'warning',
    vscode.l10n.t(
      'New tokens of {0} could not be saved to secret storage. This window keeps them in memory until they can be saved: keep it open.',
      accounts.map((account) => account.userId).join(', '),
    ),
    [{ title: retry }],
  ).then(async (picked) => {
    if (picked?.title === retry) {
      await retrySavingTokens(services);
    }
  });
}
