import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recommendSignInMode, type ExtensionHostEnvironment, type SignInMode } from '../../src/core/signInMode';

describe('sign-in mode (docs/security.md §7)', () => {
  const cases: [string, ExtensionHostEnvironment, SignInMode][] = [
    ['desktop, local', { uiKind: 'desktop', remoteName: undefined }, 'loopback'],
    ['desktop, WSL', { uiKind: 'desktop', remoteName: 'wsl' }, 'pasteRedirectUrl'],
    [
      'desktop, SSH remote',
      { uiKind: 'desktop', remoteName: 'ssh-remote', remoteHost: 'build.example' },
      'pasteRedirectUrl',
    ],
    ['desktop, dev container', { uiKind: 'desktop', remoteName: 'dev-container' }, 'pasteRedirectUrl'],
    [
      'web, server elsewhere',
      { uiKind: 'web', remoteName: undefined, remoteHost: 'vscode.example.com' },
      'pasteRedirectUrl',
    ],
    ['web, server on this machine', { uiKind: 'web', remoteName: undefined, remoteHost: '127.0.0.1' }, 'loopback'],
    ['web, codespaces', { uiKind: 'web', remoteName: 'codespaces' }, 'pasteRedirectUrl'],
    [
      'web, VS Code server on this machine (remoteName is its authority)',
      { uiKind: 'web', remoteName: '127.0.0.1:8400', remoteHost: '127.0.0.1' },
      'loopback',
    ],
    [
      'web, VS Code server elsewhere',
      { uiKind: 'web', remoteName: 'devbox.example:8400', remoteHost: 'devbox.example' },
      'pasteRedirectUrl',
    ],
  ];
  for (const [name, environment, mode] of cases) {
    test(name, () => {
      assert.equal(recommendSignInMode(environment).mode, mode);
    });
  }
});
