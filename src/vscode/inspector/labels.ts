/** Localized names of flow kinds for the Flows view. */
import vscode = require('vscode');
import type { FlowKind } from '../../core/inspector/model';

export function flowKindLabel(kind: FlowKind): string {
  switch (kind) {
    case 'signIn':
      return vscode.l10n.t('Sign in');
    case 'refresh':
      return vscode.l10n.t('Refresh access token');
    case 'verifyAccessToken':
      return vscode.l10n.t('Verify access token');
    case 'verifyIdToken':
      return vscode.l10n.t('Verify ID token');
    case 'revoke':
      return vscode.l10n.t('Revoke access token');
    case 'deauthorize':
      return vscode.l10n.t('Deauthorize');
    case 'profile':
      return vscode.l10n.t('Get profile');
    case 'userinfo':
      return vscode.l10n.t('Get user info');
    case 'friendship':
      return vscode.l10n.t('Get friendship status');
    case 'channelToken':
      return vscode.l10n.t('Issue channel access token');
    case 'other':
      return vscode.l10n.t('Other LINE request');
  }
}
