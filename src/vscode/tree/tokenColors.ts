/** The theme colours of a token's tree icon, by its state (accountModel.ts decides the state). */
import type { AccessTokenStatus, IdTokenStatus, RefreshTokenStatus } from '../../core/accountModel';

export const ACCESS_TOKEN_COLORS: Record<AccessTokenStatus, string> = {
  valid: 'charts.green',
  expiring: 'list.warningForeground',
  expired: 'list.errorForeground',
};

export const REFRESH_TOKEN_COLORS: Record<RefreshTokenStatus, string> = {
  valid: 'charts.green',
  expired: 'list.errorForeground',
};

export const ID_TOKEN_COLORS: Record<IdTokenStatus, string> = {
  valid: 'charts.green',
  // LINE ID tokens live about an hour and are meant to be checked once, at sign-in: an expired one
  // is the normal state, not an error, so it is greyed out rather than red.
  expired: 'disabledForeground',
};
