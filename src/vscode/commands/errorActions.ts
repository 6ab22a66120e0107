/**
 * What each button of an error notification does (the buttons themselves are chosen per error code
 * in errorMessages.ts). Runs after the failed command has returned, so it starts commands anew.
 */
import vscode = require('vscode');
import { COMMANDS } from '../constants';
import { presentError } from '../errorMessages';
import { notify } from '../notifications';
import type { WindowServices } from '../services';
import type { ErrorActionHandlers } from './invocation';
import { retrySavingTokens } from './storeCommands';

export function createErrorActions(services: WindowServices): ErrorActionHandlers {
  return {
    run: async (action, error, invocation) => {
      switch (action) {
        case 'showLog':
          services.logger.show();
          return;
        case 'signInAgain':
          await vscode.commands.executeCommand(COMMANDS.signIn, invocation.node);
          return;
        case 'retryWithoutAutoLogin': {
          // LINE's advice after a silently failed auto login: the same request with auto login off.
          const retry = { ...(invocation.retryArgs ?? invocation.args), disableAutoLogin: true };
          try {
            const account = await vscode.commands.executeCommand<{ userId: string; displayName?: string } | undefined>(
              COMMANDS.signIn,
              retry,
            );
            if (account !== undefined) {
              notify('info', vscode.l10n.t('Signed in as {0}.', account.displayName ?? account.userId));
            }
          } catch (retryError) {
            notify('error', services.logger.redactor.redact(presentError(retryError).message));
          }
          return;
        }
        case 'copyCallbackUrl': {
          const details: unknown =
            typeof error === 'object' && error !== null && 'details' in error ? error.details : undefined;
          const callbackUrl =
            typeof details === 'object' && details !== null && 'callbackUrl' in details
              ? details.callbackUrl
              : undefined;
          if (typeof callbackUrl === 'string') {
            await vscode.env.clipboard.writeText(callbackUrl);
          }
          return;
        }
        case 'editChannel':
          await vscode.commands.executeCommand(COMMANDS.editChannel, invocation.node);
          return;
        case 'openSettings':
          await vscode.commands.executeCommand('workbench.action.openSettings', 'lineLogin');
          return;
        case 'retrySavingTokens':
          await retrySavingTokens(services);
          return;
        case 'resetStoredTokens':
          // Asks for confirmation itself.
          await vscode.commands.executeCommand(COMMANDS.resetStoredTokens);
          return;
      }
    },
  };
}
