/** Command IDs, view IDs, context keys, setting names and secret keys: declared once, used everywhere. */

export const EXTENSION_ID = 'line-login-devtools.line-login-devtools';
export const TOKENS_VIEW_ID = 'lineLogin.tokens';

export const COMMANDS = {
  addChannel: 'lineLogin.addChannel',
  editChannel: 'lineLogin.editChannel',
  copyCallbackUrl: 'lineLogin.copyCallbackUrl',
  removeChannel: 'lineLogin.removeChannel',
  signIn: 'lineLogin.signIn',
  signInWithRedirectUrl: 'lineLogin.signInWithRedirectUrl',
  verifyAccessToken: 'lineLogin.verifyAccessToken',
  refreshAccessToken: 'lineLogin.refreshAccessToken',
  revokeAccessToken: 'lineLogin.revokeAccessToken',
  verifyIdToken: 'lineLogin.verifyIdToken',
  getUserInfo: 'lineLogin.getUserInfo',
  getProfile: 'lineLogin.getProfile',
  getFriendshipStatus: 'lineLogin.getFriendshipStatus',
  deauthorize: 'lineLogin.deauthorize',
  signOut: 'lineLogin.signOut',
  copyAccessToken: 'lineLogin.copyAccessToken',
  copyAuthorizationHeader: 'lineLogin.copyAuthorizationHeader',
  copyCurl: 'lineLogin.copyCurl',
  showTokenDetails: 'lineLogin.showTokenDetails',
  decodeJwt: 'lineLogin.decodeJwt',
  inspectIdToken: 'lineLogin.inspectIdToken',
  selectAccount: 'lineLogin.selectAccount',
  resetStoredTokens: 'lineLogin.resetStoredTokens',
  showLog: 'lineLogin.showLog',
  refreshView: 'lineLogin.refreshView',
  exportDotEnv: 'lineLogin.exportDotEnv',
  createHttpFile: 'lineLogin.createHttpFile',
  useInTerminal: 'lineLogin.useInTerminal',
  stopUsingInTerminal: 'lineLogin.stopUsingInTerminal',
} as const;

export const CONTEXT_KEYS = {
  hasChannels: 'lineLogin.hasChannels',
  hasAccounts: 'lineLogin.hasAccounts',
  /** Where pasting the redirected URL is the recommended sign-in (remote, WSL, web): shows that command in the palette. */
  pasteSignInRecommended: 'lineLogin.pasteSignInRecommended',
} as const;

export const SETTINGS = {
  section: 'lineLogin',
  channels: 'channels',
  authorizeBaseUrl: 'authorizeBaseUrl',
  apiBaseUrl: 'apiBaseUrl',
  autoRefresh: 'autoRefresh',
  signInTimeoutSeconds: 'signInTimeoutSeconds',
} as const;

/** SecretStorage keys. Token sets are one JSON document so a refresh replaces them in one write. */
export const SECRET_KEYS = {
  accounts: 'lineLogin.accounts.v1',
  /** The accounts without their tokens, as lists show them (core/accountListing.ts), written after each document. */
  accountsListing: 'lineLogin.accounts.v1.listing',
  /** An unreadable accounts document is moved under this prefix plus the time, never deleted. */
  accountsSetAsidePrefix: 'lineLogin.accounts.v1.unreadable.',
  /** The list of those keys (SecretStorage cannot list keys), so a reset can find them. */
  accountsSetAsideIndex: 'lineLogin.accounts.v1.unreadable',
  /** Written, read back and deleted before a sign-in opens the browser. */
  storeProbe: 'lineLogin.storeProbe',
  channelSecretPrefix: 'lineLogin.channelSecret.',
} as const;

/** globalState keys: never secrets. */
export const STATE_KEYS = {
  selectedAccount: 'lineLogin.selectedAccount',
  /** workspaceState: the account whose LINE_* variables new terminals get (IDs only). */
  terminalAccount: 'lineLogin.terminalAccount',
  /** Exported .env files kept updated after refreshes: account IDs, paths, the refresh-token choice. */
  followedDotEnvExports: 'lineLogin.followedDotEnvExports',
  dotEnvWarningShown: 'lineLogin.dotEnvWarningShown',
} as const;

export const LOG_CHANNEL_NAME = 'LINE Login';

/** `vscode.authentication.getSession('line', …)`: this extension's authentication provider. */
export const LINE_AUTH_PROVIDER_ID = 'line';
