/** lineLogin.decodeJwt and lineLogin.showTokenDetails: reading tokens without exposing them. */
import vscode = require('vscode');
import { accountLabel } from '../../core/accountModel';
import { isLineLoginError, type LineLoginErrorCode } from '../../core/errors';
import { judgeTimes, type IdTokenTimes } from '../../core/foreignIdToken';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS, verifyJwtSignature } from '../../core/idToken';
import { decodeJwt } from '../../core/jwtExplain';
import { explainClaimsLocalized } from '../claimText';
import { askForJwt } from '../pickers';
import type { ReadOnlyDocuments } from '../readOnlyDocuments';
import type { WindowServices } from '../services';
import { renderDecodedJwt, renderTokenDetails, type SignatureCheckResult } from '../tokenDocuments';
import { resolveAccount } from './accountCommands';
import { rejectUnknownArgs, stringArg, type Invocation } from './invocation';

export interface DecodeJwtResult {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signature: { checked: boolean; ok: boolean; method: string; errorCode?: LineLoginErrorCode };
  /** exp / iat / auth_time against this machine's clock: expired, not yet valid, or valid, with the offsets. */
  times: IdTokenTimes;
}

/** The JWT from the argument, the editor selection, the clipboard (if it looks like one), or an input box. */
async function findToken(invocation: Invocation): Promise<string | undefined> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['token', 'channelId']);
    return stringArg(invocation.args, 'token');
  }
  return askForJwt(
    vscode.l10n.t('Decode JWT'),
    vscode.l10n.t('Paste a JWT (for example a LINE ID token). It stays on this machine.'),
  );
}

/** HS256 needs a channel secret: the channel named by `aud`, the one given, or none (reported, not guessed). */
async function checkSignature(
  services: WindowServices,
  token: string,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  channelIdArg: string | undefined,
): Promise<SignatureCheckResult & { errorCode?: LineLoginErrorCode; checked: boolean }> {
  const alg = header.alg;
  try {
    if (alg === 'HS256') {
      const audience =
        typeof claims.aud === 'string'
          ? claims.aud
          : Array.isArray(claims.aud) && typeof claims.aud[0] === 'string'
            ? claims.aud[0]
            : undefined;
      const channelId =
        channelIdArg ??
        (audience !== undefined && services.channels.get(audience) !== undefined ? audience : undefined);
      if (channelId === undefined || !(await services.channels.hasSecret(channelId))) {
        return {
          checked: false,
          ok: false,
          method: vscode.l10n.t('HS256 needs the secret of the channel in "aud"; that channel is not registered here.'),
        };
      }
      const credentials = await services.credentials(channelId);
      await verifyJwtSignature(token, { channelSecret: credentials.channelSecret });
      return { checked: true, ok: true, method: vscode.l10n.t('HS256 with the secret of channel {0}', channelId) };
    }
    if (alg === 'ES256') {
      await verifyJwtSignature(token, { jwks: services.jwks });
      return {
        checked: true,
        ok: true,
        method: vscode.l10n.t("ES256 with LINE's JWKS (kid {0})", typeof header.kid === 'string' ? header.kid : '—'),
      };
    }
    return {
      checked: false,
      ok: false,
      method: vscode.l10n.t('LINE signs ID tokens only with HS256 or ES256; {0} is not checked.', String(alg)),
    };
  } catch (error) {
    if (!isLineLoginError(error)) {
      throw error;
    }
    return { checked: true, ok: false, method: String(alg), message: error.message, errorCode: error.code };
  }
}

export async function decodeJwtCommand(
  services: WindowServices,
  documents: ReadOnlyDocuments,
  invocation: Invocation,
): Promise<DecodeJwtResult | undefined> {
  const token = await findToken(invocation);
  if (token === undefined || token === '') {
    return undefined;
  }
  services.logger.redactor.add(token);
  const decoded = decodeJwt(token);
  const channelId = invocation.automated ? stringArg(invocation.args, 'channelId', 'optional') : undefined;
  const signature = await checkSignature(services, token, decoded.header, decoded.claims, channelId);
  if (!invocation.automated) {
    await documents.show(
      vscode.l10n.t('Decoded JWT'),
      renderDecodedJwt(decoded, explainClaimsLocalized(decoded.claims, services.now()), signature),
    );
  }
  return {
    header: decoded.header,
    claims: decoded.claims,
    signature: {
      checked: signature.checked,
      ok: signature.ok,
      method: signature.method,
      ...(signature.errorCode === undefined ? {} : { errorCode: signature.errorCode }),
    },
    times: judgeTimes(decoded.claims, new Date(services.now()), DEFAULT_CLOCK_TOLERANCE_SECONDS),
  };
}

export async function showTokenDetails(
  services: WindowServices,
  documents: ReadOnlyDocuments,
  invocation: Invocation,
): Promise<{ uri: string } | undefined> {
  const key = await resolveAccount(services, invocation);
  if (key === undefined) {
    return undefined;
  }
  const tokenSet = await services.accounts.require(key);
  const uri = await documents.show(
    vscode.l10n.t('Tokens of {0}', accountLabel(tokenSet)),
    renderTokenDetails(tokenSet, services.now(), services.channels.get(key.channelId)),
  );
  return { uri: uri.toString() };
}
