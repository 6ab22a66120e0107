/**
 * Which sign-in this extension host recommends, published as a context key at activation (the
 * Command Palette reads it). Apart from the sign-in commands, which load on first use.
 */
import vscode = require('vscode');
import { recommendSignInMode } from '../core/signInMode';
import { CONTEXT_KEYS } from './constants';

export function hostEnvironment(): Parameters<typeof recommendSignInMode>[0] {
  // A desktop remote names its kind ('ssh-remote', 'wsl'); a browser workbench served by a VS Code
  // server names the server's authority ('127.0.0.1:8400'), whose host tells whether it is this machine.
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const authority = folder?.scheme === 'vscode-remote' ? folder.authority : (vscode.env.remoteName ?? '');
  const match = /^\[?([^\]]+?)\]?:\d+$/.exec(authority);
  const host = match?.[1];
  return {
    uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
    remoteName: vscode.env.remoteName,
    ...(host === undefined ? {} : { remoteHost: host === '::1' ? '[::1]' : host }),
  };
}

/**
 * Publishes whether pasting the redirected URL is the recommended sign-in here. The palette shows
 * "Sign In by Pasting the Redirected URL…" only then: sorted above "Sign In…", it would otherwise be
 * what "LINE Login: Sign In" + Enter starts on a machine where the loopback works.
 */
export function publishSignInMode(): Thenable<unknown> {
  const recommended = recommendSignInMode(hostEnvironment()).mode === 'pasteRedirectUrl';
  return vscode.commands.executeCommand('setContext', CONTEXT_KEYS.pasteSignInRecommended, recommended);
}
