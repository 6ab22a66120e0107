/** Which flow kind a command starts, so a command that fails before any request still leaves a flow. */
import type { FlowKind } from '../../core/inspector/model';

const KINDS: Readonly<Record<string, FlowKind>> = {
  'lineLogin.signIn': 'signIn',
  'lineLogin.signInWithRedirectUrl': 'signIn',
  'lineLogin.refreshAccessToken': 'refresh',
  'lineLogin.verifyAccessToken': 'verifyAccessToken',
  'lineLogin.verifyIdToken': 'verifyIdToken',
  'lineLogin.revokeAccessToken': 'revoke',
  'lineLogin.deauthorize': 'deauthorize',
  'lineLogin.getProfile': 'profile',
  'lineLogin.getUserInfo': 'userinfo',
  'lineLogin.getFriendshipStatus': 'friendship',
};

export function flowKindOfCommand(commandId: string): FlowKind | undefined {
  return KINDS[commandId];
}
