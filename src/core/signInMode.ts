/**
 * Whether the browser can reach a loopback listener in this extension host (docs/security.md §7).
 * Declared as data and decided by one pure function, tested table-driven.
 */
import { isLoopbackHost } from './loopback';

export type SignInMode = 'loopback' | 'pasteRedirectUrl';

export interface ExtensionHostEnvironment {
  /** vscode.env.uiKind: the workbench runs in a desktop window or in a browser. */
  uiKind: 'desktop' | 'web';
  /** vscode.env.remoteName: 'wsl', 'ssh-remote', 'dev-container', 'codespaces', … or undefined. */
  remoteName: string | undefined;
  /** Host of the remote authority the workbench is connected to, when known (e.g. 127.0.0.1). */
  remoteHost?: string;
}

export type SignInModeReason = 'local' | 'webOnThisMachine' | 'wsl' | 'remote' | 'web';

export function recommendSignInMode(environment: ExtensionHostEnvironment): {
  mode: SignInMode;
  reason: SignInModeReason;
} {
  if (environment.remoteName === 'wsl') {
    // The extension host runs inside WSL; whether Windows' browser reaches its loopback depends on
    // the WSL networking mode, so offer pasting the URL.
    return { mode: 'pasteRedirectUrl', reason: 'wsl' };
  }
  const serverOnThisMachine = environment.remoteHost !== undefined && isLoopbackHost(environment.remoteHost);
  if (environment.remoteName !== undefined && !serverOnThisMachine) {
    return { mode: 'pasteRedirectUrl', reason: 'remote' };
  }
  if (environment.uiKind === 'web') {
    // A browser workbench served from this machine's loopback shares its loopback with the listener.
    return serverOnThisMachine
      ? { mode: 'loopback', reason: 'webOnThisMachine' }
      : { mode: 'pasteRedirectUrl', reason: 'web' };
  }
  return { mode: 'loopback', reason: serverOnThisMachine ? 'webOnThisMachine' : 'local' };
}
