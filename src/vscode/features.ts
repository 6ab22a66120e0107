/**
 * Everything but the first paint, loaded on first use as its own bundle (`dist/features.js`, see
 * scripts/build.mjs): the LINE client and jose, the commands, the Inspector, exports and the
 * authentication provider's internals. extension.ts registers a stub for every contributed command
 * that forwards here, so a command added to the table below needs nothing else.
 */
import vscode = require('vscode');
import type { AccountKey, SetAsideReport } from '../core/tokenStore';
import { AutoRefreshSetting } from './autoRefreshSetting';
import * as accountCommands from './commands/accountCommands';
import { addChannel, editChannel, removeChannel } from './commands/channelCommands';
import { wrapCommand, type CommandHandler } from './commands/invocation';
import { createErrorActions } from './commands/errorActions';
import * as exportCommands from './commands/exportCommands';
import { LineAuthenticationProvider } from './auth/lineAuthenticationProvider';
import { readEndpoints } from './config';
import { DotEnvFollower } from './dotEnvFollower';
import { TerminalEnvironment } from './terminalEnvironment';
import { decodeJwtCommand, showTokenDetails } from './commands/jwtCommands';
import { inspectIdTokenCommand } from './commands/inspectIdTokenCommand';
import { showSetAside, resetStoredTokens } from './commands/storeCommands';
import { signIn } from './commands/signInCommands';
import { copyCallbackUrl } from './commands/walkthroughCommands';
import { COMMANDS } from './constants';
import { ReadOnlyDocuments } from './readOnlyDocuments';
import { WindowServices } from './services';
import { renderIdTokenComparison } from './verificationReport';
import { registerInspector, type Inspector } from './inspector/inspectorCommands';
import type { Kernel } from './kernel';
import { registerLocalLine, type LocalLineRegistration } from './localLine/registration';

export interface Features {
  readonly services: WindowServices;
  readonly documents: ReadOnlyDocuments;
  readonly authProvider: LineAuthenticationProvider;
  readonly terminalEnvironment: TerminalEnvironment;
  readonly dotEnvFollower: DotEnvFollower;
  readonly inspector: Inspector;
  readonly localLine: LocalLineRegistration;
  /** Runs a command by ID as VS Code would; an ID without a handler is a programming error. */
  run(id: string, arg: unknown): Promise<unknown>;
  announceSetAside(report: SetAsideReport): void;
}

export function createFeatures(kernel: Kernel): Features {
  const { context, logger, channels, store, selection, lock, explorer, tokenTreeView } = kernel;
  const services = new WindowServices(logger, channels, store, selection, lock, kernel.now);
  const documents = new ReadOnlyDocuments();
  const autoRefresh = new AutoRefreshSetting(services);
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
  context.subscriptions.push(services, documents, autoRefresh, authProvider, terminalEnvironment, dotEnvFollower);

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
  const errorActions = createErrorActions(services);
  const commands = new Map<string, (arg: unknown) => Promise<unknown>>();
  const register = (id: string, handler: CommandHandler): vscode.Disposable => {
    commands.set(id, wrapCommand(id, handler, services, errorActions));
    return new vscode.Disposable(() => commands.delete(id));
  };
  for (const [id, handler] of Object.entries(handlers)) {
    register(id, handler);
  }
  const inspector = registerInspector(services, context.globalState, documents, register);
  context.subscriptions.push(inspector.disposable);
  // Its commands and view only; the emulator itself loads on Start (dist/localLine.js).
  const localLine = registerLocalLine(services, context.globalState, register, (flow) => {
    inspector.recordAppFlow(flow);
  });
  context.subscriptions.push(localLine);

  return {
    services,
    documents,
    authProvider,
    terminalEnvironment,
    dotEnvFollower,
    inspector,
    localLine,
    run: (id, arg) => {
      const command = commands.get(id);
      if (command === undefined) {
        return Promise.reject(new Error(`Command ${id} is contributed but has no handler in features.ts`));
      }
      return command(arg);
    },
    announceSetAside: (report) => {
      showSetAside(services, report);
    },
  };
}
