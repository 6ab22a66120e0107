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
import * as exportCommands from './vscode/commands/exportCommands';
import { LINE_AUTH_PROVIDER_ID, LineAuthenticationProvider } from './vscode/auth/lineAuthenticationProvider';
import { readEndpoints } from './vscode/config';
import { DotEnvFollower } from './vscode/dotEnvFollower';
import { TerminalEnvironment } from './vscode/terminalEnvironment';
import { decodeJwtCommand, showTokenDetails } from './vscode/commands/jwtCommands';
import { inspectIdTokenCommand } from './vscode/commands/inspectIdTokenCommand';
import { announceSetAside, resetStoredTokens } from './vscode/commands/storeCommands';
import { publishSignInMode, signIn } from './vscode/commands/signInCommands';
import { copyCallbackUrl } from './vscode/commands/walkthroughCommands';
import { COMMANDS } from './vscode/constants';
import { Logger } from './vscode/logger';
import { ReadOnlyDocuments } from './vscode/readOnlyDocuments';
import { openTokenStore } from './vscode/secretTokenStore';
import { WindowServices } from './vscode/services';
import { AccountStatusBar } from './vscode/statusBar';
import { TokenExplorer } from './vscode/tree/tokenExplorer';
import { TokenTreeView } from './vscode/tree/tokenTreeView';
import { renderIdTokenComparison } from './vscode/verificationReport';
import { registerInspector, type Inspector } from './vscode/inspector/inspectorCommands';
import { registerLocalLine, type LocalLineRegistration } from './vscode/localLine/registration';

/** Handed to the extension-host tests only (ExtensionMode.Test): never to other extensions. */
export interface TestHooks {
  services: WindowServices;
  explorer: TokenExplorer;
  treeView: vscode.TreeView<unknown>;
  statusBar: AccountStatusBar;
  documents: ReadOnlyDocuments;
  secrets: vscode.SecretStorage;
  logUri: vscode.Uri;
  globalStorageUri: vscode.Uri;
  authProvider: LineAuthenticationProvider;
  terminalEnvironment: TerminalEnvironment;
  environmentVariables: vscode.GlobalEnvironmentVariableCollection;
  dotEnvFollower: DotEnvFollower;
  inspector: Inspector;
  localLine: Pick<LocalLineRegistration, 'loaded' | 'testing' | 'tree'>;
}

export function activate(context: vscode.ExtensionContext): TestHooks | undefined {
  const logger = new Logger();
  const channels = new ChannelRegistry(context.secrets);
  const { lock, store } = openTokenStore(context.secrets, context.globalStorageUri, logger);
  const selection = new AccountSelection(context.globalState);
  const services = new WindowServices(logger, channels, store, selection, lock);
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
    announceSetAside(services),
  );
  const authProvider = new LineAuthenticationProvider(services);
  const apiBaseUrl = (): string => readEndpoints().apiBaseUrl;
  const terminalEnvironment = new TerminalEnvironment({
    collection: context.environmentVariableCollection,
    store,
    state: context.workspaceState,
    apiBaseUrl,
  });
  const dotEnvFollower = new DotEnvFollower(store, context.globalState, logger, apiBaseUrl);
  const exportDeps = { state: context.globalState, follower: dotEnvFollower, terminal: terminalEnvironment };
  context.subscriptions.push(
    authProvider,
    vscode.authentication.registerAuthenticationProvider(LINE_AUTH_PROVIDER_ID, 'LINE', authProvider, {
      supportsMultipleAccounts: true,
    }),
    terminalEnvironment,
    dotEnvFollower,
  );
  for (const problem of channels.problems()) {
    logger.warn(problem);
  }

  const signInHooks = { revealAccount: (key: AccountKey) => tokenTreeView.revealAccount(key) };
  const handlers: Record<(typeof COMMANDS)[keyof typeof COMMANDS], CommandHandler> = {
    [COMMANDS.addChannel]: (invocation) => addChannel(services, invocation),
    [COMMANDS.editChannel]: (invocation) => editChannel(services, invocation),
    [COMMANDS.removeChannel]: (invocation) => removeChannel(services, invocation),
    [COMMANDS.copyCallbackUrl]: (invocation) => copyCallbackUrl(services, invocation),
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
    [COMMANDS.inspectIdToken]: (invocation) => inspectIdTokenCommand(services, documents, invocation),
    [COMMANDS.selectAccount]: (invocation) => accountCommands.selectAccount(services, invocation),
    [COMMANDS.resetStoredTokens]: (invocation) => resetStoredTokens(services, invocation),
    [COMMANDS.showLog]: () => {
      logger.show();
      return Promise.resolve(undefined);
    },
    [COMMANDS.exportDotEnv]: (invocation) => exportCommands.exportDotEnv(services, exportDeps, invocation),
    [COMMANDS.createHttpFile]: (invocation) => exportCommands.createHttpFile(services, invocation),
    [COMMANDS.useInTerminal]: (invocation) => exportCommands.useInTerminal(services, exportDeps, invocation),
    [COMMANDS.stopUsingInTerminal]: () => exportCommands.stopUsingInTerminal(exportDeps),
    [COMMANDS.refreshView]: () => {
      explorer.refresh();
      return Promise.resolve(undefined);
    },
  };
  void publishSignInMode();
  const errorActions = createErrorActions(services);
  for (const [id, handler] of Object.entries(handlers)) {
    context.subscriptions.push(registerCommand(id, handler, services, errorActions));
  }
  const inspector = registerInspector(services, context.globalState, documents, errorActions);
  context.subscriptions.push(inspector.disposable);
  // Its commands and view only; the emulator itself loads on Start (dist/localLine.js).
  const localLine = registerLocalLine(services, context.globalState, errorActions, (flow) => {
    inspector.recordAppFlow(flow);
  });
  context.subscriptions.push(localLine);

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
    authProvider,
    terminalEnvironment,
    environmentVariables: context.environmentVariableCollection,
    dotEnvFollower,
    inspector,
    localLine,
  };
}

export function deactivate(): void {
  // Nothing to release: every disposable is owned by context.subscriptions.
}
