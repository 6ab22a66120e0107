/**
 * Composition only: builds the window's objects, registers every command, view and listener, and
 * hands each disposable to context.subscriptions.
 */
import vscode = require('vscode');
import type { AccountKey } from './core/tokenStore';
import { AccountSelection } from './vscode/accountSelection';
import { AutoRefreshSetting } from './vscode/autoRefreshSetting';
import { ChannelRegistry } from './vscode/channelRegistry';
import * as accountCommands from './vscode/commands/accountCommands';
import { addChannel, editChannel, removeChannel } from './vscode/commands/channelCommands';
import { registerCommand, type CommandHandler } from './vscode/commands/invocation';
import { createErrorActions } from './vscode/commands/errorActions';
import { decodeJwtCommand, showTokenDetails } from './vscode/commands/jwtCommands';
import { signIn } from './vscode/commands/signInCommands';
import { COMMANDS } from './vscode/constants';
import { Logger } from './vscode/logger';
import { ReadOnlyDocuments } from './vscode/readOnlyDocuments';
import { SecretTokenStore } from './vscode/secretTokenStore';
import { LineLoginServices } from './vscode/services';
import { AccountStatusBar } from './vscode/statusBar';
import { TokenExplorer } from './vscode/tree/tokenExplorer';
import { TokenTreeView } from './vscode/tree/tokenTreeView';
import { renderIdTokenComparison } from './vscode/verificationReport';
import { registerInspector, type Inspector } from './vscode/inspector/inspectorCommands';

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
  inspector: Inspector;
}

export function activate(context: vscode.ExtensionContext): TestHooks | undefined {
  const logger = new Logger();
  const channels = new ChannelRegistry(context.secrets);
  const store = new SecretTokenStore(context.secrets);
  const selection = new AccountSelection(context.globalState);
  const services = new LineLoginServices(logger, channels, store, selection);
  const explorer = new TokenExplorer(channels, store, selection, services.now);
  const tokenTreeView = new TokenTreeView(explorer, logger);
  const statusBar = new AccountStatusBar(store, selection, channels, services.now);
  const documents = new ReadOnlyDocuments();
  const autoRefresh = new AutoRefreshSetting(services);
  context.subscriptions.push(
    logger,
    channels,
    store,
    selection,
    services,
    explorer,
    tokenTreeView,
    statusBar,
    documents,
    autoRefresh,
  );
  for (const problem of channels.problems()) {
    logger.warn(problem);
  }

  const signInHooks = { revealAccount: (key: AccountKey) => tokenTreeView.revealAccount(key) };
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
  const errorActions = createErrorActions(services);
  for (const [id, handler] of Object.entries(handlers)) {
    context.subscriptions.push(registerCommand(id, handler, services, errorActions));
  }
  const inspector = registerInspector(services, context.globalState, documents, errorActions);
  context.subscriptions.push(inspector.disposable);

  if (context.extensionMode !== vscode.ExtensionMode.Test) {
    return undefined;
  }
  return {
    services,
    explorer,
    treeView: tokenTreeView.view,
    statusBar,
    documents,
    secrets: context.secrets,
    logUri: context.logUri,
    globalStorageUri: context.globalStorageUri,
    inspector,
  };
}

export function deactivate(): void {
  // Nothing to release: every disposable is owned by context.subscriptions.
}
