/** The token store itself: saving tokens kept in memory, and (for a store that cannot recover) a reset. */
import vscode = require('vscode');
import { presentError } from '../errorMessages';
import type { LineLoginServices } from '../services';

/** Tokens that could not be saved are kept in memory; this tries again and says how it went. */
export async function retrySavingTokens(services: LineLoginServices): Promise<boolean> {
  try {
    if (await services.store.saveUnsaved()) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The tokens kept in memory are saved.'));
      return true;
    }
  } catch (error) {
    services.logger.warn(`Saving the tokens kept in memory failed again: ${presentError(error).message}`);
  }
  offerRetrySaving(services);
  return false;
}

/** The warning shown while tokens exist only in this window's memory, with its one way out. */
export function offerRetrySaving(services: LineLoginServices): void {
  const accounts = services.store.unsavedAccounts();
  if (accounts.length === 0) {
    return;
  }
  const retry = vscode.l10n.t('Retry Saving');
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t(
        'New tokens of {0} could not be saved to secret storage. This window keeps them in memory until they can be saved: keep it open.',
        accounts.map((account) => account.userId).join(', '),
      ),
      retry,
    )
    .then(async (picked) => {
      if (picked === retry) {
        await retrySavingTokens(services);
      }
    });
}
