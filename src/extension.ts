/**
 * Composition of the first paint only: the store, the tree, the status bar, and a stub for every
 * contributed command and for the authentication provider. Everything else (features.ts, and the
 * lock in fileLock.ts) is its own bundle, required on first use (docs/performance.md).
 */
import vscode = require('vscode');
import type { FileLock } from './core/fileLock';
import { AccountSelection } from './vscode/accountSelection';
import { ChannelRegistry } from './vscode/channelRegistry';
import { LINE_AUTH_PROVIDER_ID } from './vscode/constants';
import type { DotEnvFollower } from './vscode/dotEnvFollower';
import type { Features } from './vscode/features';
import { contributedCommandIds, DeferredLock, type Kernel } from './vscode/kernel';
import { loadBundle } from './vscode/lazyBundle';
import { Logger } from './vscode/logger';
import type { LineAuthenticationProvider } from './vscode/auth/lineAuthenticationProvider';
import type { Inspector } from './vscode/inspector/inspectorCommands';
import type { LocalLineRegistration } from './vscode/localLine/registration';
import { publishLocalLineInUse } from './vscode/localLine/inUse';
import type { ReadOnlyDocuments } from './vscode/readOnlyDocuments';
import { lockDirectory, openTokenStore } from './vscode/secretTokenStore';
import type { WindowServices } from './vscode/services';
import { publishSignInMode } from './vscode/signInModeContext';
import { AccountStatusBar } from './vscode/statusBar';
import type { TerminalEnvironment } from './vscode/terminalEnvironment';
import { TokenExplorer } from './vscode/tree/tokenExplorer';
import { TokenTreeView } from './vscode/tree/tokenTreeView';
import { featuresNeededAtStart, LazyAuthenticationProvider } from './vscode/lazyFeatures';

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
  /** Whether features.ts has been loaded (the first command, session request or setting loads it). */
  readonly featuresLoaded: boolean;
  localLine: Pick<LocalLineRegistration, 'loaded' | 'testing' | 'tree'>;
}

export function activate(context: vscode.ExtensionContext): TestHooks | undefined {
  const logger = new Logger();
  const channels = new ChannelRegistry(context.secrets);
  const lock = new DeferredLock(() => {
    const { FileLock: Lock } = loadBundle('fileLock.js') as { FileLock: typeof FileLock };
    return new Lock(lockDirectory(context.globalStorageUri), {
      onCompromised: (error) => {
        logger.warn(`A store lock was taken over while held (was this window suspended?): ${error.message}`);
      },
    });
  });
  const store = openTokenStore(context.secrets, context.globalStorageUri, lock, logger);
  const selection = new AccountSelection(context.globalState);
  const now = Date.now;
  const explorer = new TokenExplorer(channels, store, selection, now);
  const tokenTreeView = new TokenTreeView(explorer, logger);
  const statusBar = new AccountStatusBar(store, selection, channels, now);
  context.subscriptions.push(logger, channels, store, selection, explorer, tokenTreeView, statusBar);
  const kernel: Kernel = { context, logger, channels, store, selection, lock, explorer, tokenTreeView, statusBar, now };

  let loaded: Features | undefined;
  const authProvider = new LazyAuthenticationProvider(
    () => void features(),
    async () => (await store.list()).length > 0,
  );
  const features = (): Features => {
    if (loaded === undefined) {
      loaded = (loadBundle('features.js') as { createFeatures(kernel: Kernel): Features }).createFeatures(kernel);
      authProvider.attach(loaded.authProvider);
    }
    return loaded;
  };
  for (const id of contributedCommandIds(context.extension.packageJSON)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (arg: unknown) => features().run(id, arg)));
  }
  context.subscriptions.push(
    authProvider,
    vscode.authentication.registerAuthenticationProvider(LINE_AUTH_PROVIDER_ID, 'LINE', authProvider, {
      supportsMultipleAccounts: true,
    }),
    store.onDidSetAside((report) => {
      features().announceSetAside(report);
    }),
  );
  // Terminals get no stale variables from an earlier session (see terminalEnvironment.ts).
  context.environmentVariableCollection.persistent = false;
  // Auto refresh, terminal variables and followed .env files work without a command: load for them.
  const loadWhenNeeded = (): void => {
    if (loaded === undefined && featuresNeededAtStart(context)) {
      setTimeout(() => void features(), 0);
    }
  };
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(loadWhenNeeded));
  loadWhenNeeded();
  for (const problem of channels.problems()) {
    logger.warn(problem);
  }
  void publishSignInMode();
  publishLocalLineInUse(context.globalState);

  if (context.extensionMode !== vscode.ExtensionMode.Test) {
    return undefined;
  }
  return {
    get services() {
      return features().services;
    },
    explorer,
    treeView: tokenTreeView.view,
    statusBar,
    get documents() {
      return features().documents;
    },
    secrets: context.secrets,
    logUri: context.logUri,
    globalStorageUri: context.globalStorageUri,
    get authProvider() {
      return features().authProvider;
    },
    get terminalEnvironment() {
      return features().terminalEnvironment;
    },
    environmentVariables: context.environmentVariableCollection,
    get dotEnvFollower() {
      return features().dotEnvFollower;
    },
    get inspector() {
      return features().inspector;
    },
    get featuresLoaded() {
      return loaded !== undefined;
    },
    get localLine() {
      return features().localLine;
    },
  };
}

export function deactivate(): void {
  // Nothing to release: every disposable is owned by context.subscriptions.
}
