import type { TokenSet } from '../../src/core/types';

/** A complete token set with every optional part, and secrets distinctive enough to search output for. */
export function sampleTokenSet(overrides: Partial<TokenSet> = {}): TokenSet {
  return {
    channelId: '1',
    userId: `U${'c'.repeat(32)}`,
    accessToken: 'eyJhbGciOiJIUzI1NiJ9.access+token/with==',
    tokenType: 'Bearer',
    scopes: ['profile', 'openid'],
    accessTokenIssuedAt: 1_700_000_000_000,
    accessTokenExpiresAt: 1_700_000_000_000 + 2592000_000,
    refreshToken: 'refresh-token-value-123',
    refreshTokenExpiresAt: 1_700_000_000_000 + 90 * 86400_000,
    originalIssuedAt: 1_700_000_000_000,
    idToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVIn0.sig',
    idTokenClaims: {
      iss: 'https://access.line.me',
      sub: 'U',
      aud: '1',
      exp: 1_700_003_600,
      iat: 1_700_000_000,
      nonce: 'secret-nonce-value',
      name: 'ID name',
      email: 'a@example.com',
    },
    nonce: 'secret-nonce-value',
    profile: { userId: 'U', displayName: 'Profile name', pictureUrl: 'https://p.example/x' },
    ...overrides,
  };
}

/** A stored account of channel 1660000001 whose tokens name the user, as the store tests write them. */
export function storedTokenSet(userId: string, overrides: Partial<TokenSet> = {}): TokenSet {
  return {
    channelId: '1660000001',
    userId,
    accessToken: `access-${userId}-secret`,
    tokenType: 'Bearer',
    scopes: ['profile', 'openid'],
    accessTokenIssuedAt: 1_700_000_000_000,
    accessTokenExpiresAt: 1_700_000_000_000 + 2_592_000_000,
    refreshToken: `refresh-${userId}-secret`,
    refreshTokenExpiresAt: 1_700_000_000_000 + 90 * 86_400_000,
    originalIssuedAt: 1_700_000_000_000,
    ...overrides,
  };
}
