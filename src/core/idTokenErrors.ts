/**
 * jose's failures, and LINE's claim failures, as coded IdTokenErrors. Claim and header values are
 * attacker-controlled text: they reach a message only quoted and capped.
 */
import { errors, type ProtectedHeaderParameters } from 'jose';

import { IdTokenError, InputError } from './errors';

/** What a verification knows when it turns a failure into a message. */
export interface VerificationContext {
  readonly channelId: string;
  readonly issuer: string;
  readonly header: ProtectedHeaderParameters;
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
}

export function mapJoseError(error: unknown, ctx: VerificationContext): IdTokenError | InputError {
  if (error instanceof IdTokenError || error instanceof InputError) {
    return error;
  }
  if (!(error instanceof errors.JOSEError)) {
    return new IdTokenError('ERR_ID_TOKEN_MALFORMED', 'The JWT library failed unexpectedly.', {}, { cause: error });
  }
  if (isJoseError(error, 'ERR_JOSE_ALG_NOT_ALLOWED')) {
    return algNotAllowed(ctx.header.alg);
  }
  if (isJoseError(error, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')) {
    return signatureInvalid(ctx);
  }
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    return new IdTokenError(
      'ERR_ID_TOKEN_EXPIRED',
      `It expired${typeof exp === 'number' ? ` at ${isoSeconds(exp)}` : ''} (now ${isoSeconds(ctx.nowSeconds)}, ` +
        `clock tolerance ${ctx.toleranceSeconds} s).`,
      { claim: 'exp' },
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return mapClaimFailure(error, ctx);
  }
  // ERR_JWS_INVALID, ERR_JWT_INVALID, ERR_JOSE_NOT_SUPPORTED (an unknown `crit`), …
  return new IdTokenError('ERR_ID_TOKEN_MALFORMED', `${error.message.replace(/\.$/, '')}.`);
}

export function mapClaimFailure(
  error: InstanceType<typeof errors.JWTClaimValidationFailed>,
  ctx: VerificationContext,
): IdTokenError {
  const missing = error.reason === 'missing';
  switch (error.claim) {
    case 'iss': {
      const actual = error.payload.iss;
      return new IdTokenError(
        'ERR_ID_TOKEN_ISSUER_INVALID',
        `It ${missing ? 'names no issuer' : `was issued by ${describeValue(actual)}`}; ${quote(ctx.issuer)} was expected.`,
        { claim: 'iss' },
      );
    }
    case 'aud': {
      const actual = error.payload.aud;
      return new IdTokenError(
        'ERR_ID_TOKEN_AUDIENCE_INVALID',
        `It ${missing ? 'names no audience' : `was issued to ${describeValue(actual)}`}, not to channel ${quote(ctx.channelId)}.`,
        { claim: 'aud' },
      );
    }
    case 'iat':
      return new IdTokenError(
        'ERR_ID_TOKEN_IAT_INVALID',
        missing ? 'It has no "iat" (issued at) claim.' : 'Its "iat" (issued at) claim is not a number of seconds.',
        { claim: 'iat' },
      );
    case 'exp':
      return new IdTokenError(
        'ERR_ID_TOKEN_CLAIM_INVALID',
        missing
          ? 'It has no "exp" (expiration time) claim.'
          : 'Its "exp" (expiration time) claim is not a number of seconds.',
        { claim: 'exp' },
      );
    case 'nbf':
      return new IdTokenError(
        'ERR_ID_TOKEN_CLAIM_INVALID',
        error.reason === 'invalid'
          ? 'Its "nbf" (not before) claim is not a number of seconds.'
          : `It is not valid yet ("nbf" is after now, ${isoSeconds(ctx.nowSeconds)}, plus ${ctx.toleranceSeconds} s tolerance): check this computer's clock.`,
        { claim: 'nbf' },
      );
    default:
      return new IdTokenError('ERR_ID_TOKEN_CLAIM_INVALID', `Its ${quote(error.claim)} claim is invalid.`, {
        claim: error.claim,
      });
  }
}

export function algNotAllowed(alg: unknown): IdTokenError {
  const details = typeof alg === 'string' ? { alg: alg.slice(0, 32) } : {};
  let specifics: string;
  if (alg === 'none') {
    specifics = 'It is unsigned (alg "none").';
  } else if (alg === 'HS256') {
    specifics = 'It is signed with HS256, but no channel secret was given: set the channel secret for this channel.';
  } else if (alg === 'ES256') {
    specifics = "It is signed with ES256, but LINE's public keys were not given, only the channel secret.";
  } else {
    specifics = `It is signed with ${describeValue(alg)}.`;
  }
  return new IdTokenError('ERR_ID_TOKEN_ALG_NOT_ALLOWED', specifics, details);
}

export function signatureInvalid(ctx: VerificationContext): IdTokenError {
  if (ctx.header.alg === 'HS256') {
    return new IdTokenError(
      'ERR_ID_TOKEN_SIGNATURE_INVALID',
      'It is signed with HS256, checked with the channel secret.',
      { alg: 'HS256' },
    );
  }
  const kid = typeof ctx.header.kid === 'string' ? ctx.header.kid : undefined;
  return new IdTokenError(
    'ERR_ID_TOKEN_SIGNATURE_INVALID',
    `It is signed with ES256, checked with LINE's public key${kid === undefined ? '' : ` ${quote(kid)}`}.`,
    { alg: 'ES256', ...(kid === undefined ? {} : { kid }) },
  );
}

export function claimTypeInvalid(claim: string, expected: string): IdTokenError {
  return new IdTokenError('ERR_ID_TOKEN_CLAIM_INVALID', `Its "${claim}" claim must be ${expected}.`, {
    claim,
  });
}

export function isJoseError(error: unknown, code: string): boolean {
  return error instanceof errors.JOSEError && error.code === code;
}

export function isoSeconds(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Claim and header values are attacker-controlled text: quote and cap them before they reach a message. */
export function quote(value: string): string {
  const capped = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(capped);
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return quote(value);
  }
  if (Array.isArray(value)) {
    return `[${value.slice(0, 5).map(describeValue).join(', ')}${value.length > 5 ? ', …' : ''}]`;
  }
  if (value === undefined) {
    return 'nothing';
  }
  return quote(JSON.stringify(value));
}
