/**
 * Composition only: builds the window's objects, registers every command, view and listener, and
 * hands each disposable to context.subscriptions.
 */
import vscode = require('vscode');
import { AutoRefresher } from './core/autoRefresh';
import { AccountSelection } from './vscode/accountSelection';
import { ChannelRegistry } from './vscode/channelRegistry';
import * as accountCommands from './vscode/commands/accountCommands';
import { addChannel, editChannel, removeChannel } from './vscode/commands/channelCommands';
import { registerCommand, type CommandHandler, type ErrorActionHandlers } from './vscode/commands/commandKit';
import { decodeJwtCommand, showTokenDetails } from './vscode/commands/jwtCommands';
import { signIn } from './vscode/commands/signInCommands';
import { affectsLineLogin, readAutoRefresh } from './vscode/config';
import { presentError } from './vscode/errorMessages';
import { COMMANDS, SETTINGS, TOKENS_VIEW_ID } from './vscode/constants';
import { Logger } from './vscode/logger';
import { notify } from './vscode/notifications';
import { ReadOnlyDocuments } from './vscode/readOnlyDocuments';
import { SecretTokenStore } from './vscode/secretTokenStore';
import { LineLoginServices } from './vscode/services';
import { AccountStatusBar } from './vscode/statusBar';
import { TokenExplorer } from './vscode/tree/tokenExplorer';
import { renderIdTokenComparison } from './vscode/verificationReport';

/** Handed to the extension-host tests only (ExtensionMode.Test): never to other extensions. */
export interface TestHooks {
  services: LineLoginServices;
  explorer: TokenExplorer;
  treeView: vscode.TreeView<unknown>;
  statusBar: AccountStatusBar;
  documents: ReadOnlyDocuments;
  secrets: vscode.SecretStorage;
  logUri: vscode.Uri;
  globalStorageUri: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): TestHooks | undefined {
  const logger = new Logger();
  const channels = new ChannelRegistry(context.secrets);
  const store = new SecretTokenStore(context.secrets);
  const selection = new AccountSelection(context.globalState);
  const services = new LineLoginServices(logger, channels, store, selection);
  const explorer = new TokenExplorer(channels, store, selection);
  const treeView = vscode.window.createTreeView(TOKENS_VIEW_ID, { treeDataProvider: explorer, showCollapseAll: true });
  const statusBar = new AccountStatusBar(store, selection, channels);
  const documents = new ReadOnlyDocuments();
  context.subscriptions.push(logger, channels, store, selection, services, explorer, treeView, statusBar, documents);

  // Every stored token is known to the log's redactor before anything can log it.
  const rememberSecrets = async (): Promise<void> => {
    try {
      for (const tokenSet of await store.list()) {
        logger.redactor.add(tokenSet.accessToken);
        logger.redactor.add(tokenSet.refreshToken);
        logger.redactor.add(tokenSet.idToken);
      }
    } catch (error) {
      logger.warn(`Stored tokens could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  void rememberSecrets();
  context.subscriptions.push(store.onDidChange(() => void rememberSecrets()));
  for (const problem of channels.problems()) {
    logger.warn(problem);
  }

  const signInHooks = {
    onSignedIn: async (key: { channelId: string; userId: string }): Promise<void> => {
      await selection.set(key);
      const node = await explorer.findAccountNode(key);
      // reveal() also opens the view, so the new account is in sight. The sign-in itself has
      // succeeded by now: a tree that cannot show the node is logged, not reported as a failure.
      if (node !== undefined) {
        try {
          await treeView.reveal(node, { select: true, focus: false, expand: true });
        } catch (error) {
          logger.warn(
            `The new account could not be revealed in the tree: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    },
  };

  const errorActions: ErrorActionHandlers = {
    run: async (action, error, invocation) => {
      switch (action) {
        case 'showLog':
          logger.show();
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
            notify('error', logger.redactor.redact(presentError(retryError).message));
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
      }
    },
  };

  const handlers: Record<(typeof COMMANDS)[keyof typeof COMMANDS], CommandHandler> = {
    [COMMANDS.addChannel]: (invocation) => addChannel(services, invocation),
    [COMMANDS.editChannel]: (invocation) => editChannel(services, invocation),
    [COMMANDS.removeChannel]: (invocation) => removeChannel(services, invocation),
    [COMMANDS.signIn]: (invocation) => signIn(services, signInHooks, invocation),
    [COMMANDS.signInWithRedirectUrl]: (invocation) => signIn(services, signInHooks, invocation, 'pasteRedirectUrl'),
    [COMMANDS.verifyAccessToken]: (invocation) => accountCommands.verifyAccessToken(services, invocation),
    [COMMANDS.refreshAccessToken]: (invocation) => accountCommands.refreshAccessToken(services, invocation),
    [COMMANDS.revokeAccessToken]: (invocation) => accountCommands.revokeAccessToken(services, invocation),
    [COMMANDS.verifyIdToken]: (invocation) =>
      accountCommands.verifyIdToken(services, invocation, async (comparison, key) => {
        await documents.show(vscode.l10n.t('ID token verification'), renderIdTokenComparison(comparison, key.userId));
      }),
    [COMMANDS.getUserInfo]: (invocation) => accountCommands.getUserInfo(services, invocation),
    [COMMANDS.getProfile]: (invocation) => accountCommands.getProfile(services, invocation),
    [COMMANDS.getFriendshipStatus]: (invocation) => accountCommands.getFriendshipStatus(services, invocation),
    [COMMANDS.deauthorize]: (invocation) => accountCommands.deauthorize(services, invocation),
    [COMMANDS.signOut]: (invocation) => accountCommands.signOut(services, invocation),
    [COMMANDS.copyAccessToken]: (invocation) => accountCommands.copyToClipboard(services, invocation, 'accessToken'),
    [COMMANDS.copyAuthorizationHeader]: (invocation) =>
      accountCommands.copyToClipboard(services, invocation, 'authorizationHeader'),
    [COMMANDS.copyCurl]: (invocation) => accountCommands.copyToClipboard(services, invocation, 'curl'),
    [COMMANDS.showTokenDetails]: (invocation) => showTokenDetails(services, documents, invocation),
    [COMMANDS.decodeJwt]: (invocation) => decodeJwtCommand(services, documents, invocation),
    [COMMANDS.selectAccount]: (invocation) => accountCommands.selectAccount(services, invocation),
    [COMMANDS.showLog]: () => {
      logger.show();
      return Promise.resolve(undefined);
    },
    [COMMANDS.refreshView]: () => {
      explorer.refresh();
      return Promise.resolve(undefined);
    },
  };
  for (const [id, handler] of Object.entries(handlers)) {
    context.subscriptions.push(registerCommand(id, handler, services, errorActions));
  }

  // lineLogin.autoRefresh: off by default; follows the setting live.
  let autoRefresher: AutoRefresher | undefined;
  const applyAutoRefresh = (): void => {
    autoRefresher?.dispose();
    autoRefresher = undefined;
    if (!readAutoRefresh()) {
      return;
    }
    try {
      autoRefresher = new AutoRefresher({
        accounts: services.accounts,
        store,
        log: (level, message) => {
          logger[level](message);
        },
      });
    } catch (error) {
      logger.warn(`Auto refresh is off: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  applyAutoRefresh();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        affectsLineLogin(event, SETTINGS.autoRefresh) ||
        affectsLineLogin(event, SETTINGS.apiBaseUrl) ||
        affectsLineLogin(event, SETTINGS.authorizeBaseUrl)
      ) {
        applyAutoRefresh();
      }
    }),
    { dispose: () => autoRefresher?.dispose() },
  );

  if (context.extensionMode !== vscode.ExtensionMode.Test) {
    return undefined;
  }
  return {
    services,
    explorer,
    treeView,
    statusBar,
    documents,
    secrets: context.secrets,
    logUri: context.logUri,
    globalStorageUri: context.globalStorageUri,
  };
}

export function deactivate(): void {
  // Nothing to release: every disposable is owned by context.subscriptions.
}
