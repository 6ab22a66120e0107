/** LINE Login's scopes and the rules of combining them. */

import { authorizeError } from '../errors';

export type Scope = 'profile' | 'openid' | 'email';

/** A space-separated scope parameter; throws the INVALID_SCOPE error LINE answers for a bad one. */
export function parseScopes(raw: string | undefined): Scope[] {
  if (raw === undefined || raw.trim() === '') {
    throw authorizeError('INVALID_SCOPE', 'scope is required');
  }
  const scopes: Scope[] = [];
  for (const name of raw.split(' ').filter((part) => part !== '')) {
    if (name !== 'profile' && name !== 'openid' && name !== 'email') {
      throw authorizeError('INVALID_SCOPE', `unsupported scope: ${name}`);
    }
    if (!scopes.includes(name)) {
      scopes.push(name);
    }
  }
  if (!scopes.includes('profile') && !scopes.includes('openid')) {
    throw authorizeError('INVALID_SCOPE', 'scope must include profile or openid');
  }
  if (scopes.includes('email') && !scopes.includes('openid')) {
    throw authorizeError('INVALID_SCOPE', 'the email scope requires openid');
  }
  return scopes;
}

/** LINE's token and verify responses never list `email`, even when it was granted. */
export function scopeString(scopes: readonly Scope[]): string {
  return scopes.filter((scope) => scope !== 'email').join(' ');
}
