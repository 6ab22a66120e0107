/**
 * The Markdown of the "Show Token Details" and "Decode JWT" documents. Tokens appear only as
 * `tokenPreview` prefixes (docs/security.md §12): these documents can be saved, shared or
 * screenshotted, and copying a token must stay an explicit action.
 */
import vscode = require('vscode');
import { channelLabel, type ChannelConfig } from '../core/channels';
import { TIME_CLAIMS, type ClaimExplanation, type DecodedJwt } from '../core/jwtExplain';
import { tokenPreview } from '../core/redact';
import type { TokenSet } from '../core/types';
import { explainClaimsLocalized } from './claimText';
import { formatDateTime, formatExpiry } from './format';
import {
  accessTokenStatus,
  accountLabel,
  decodeStoredIdToken,
  refreshTokenExpiresAt,
  refreshTokenStatus,
  type AccessTokenStatus,
} from '../core/accountModel';
import { codeSpan, fencedBlock, inlineMarkdown, markdownTable, type MarkdownCell } from '../core/markdownText';

export interface SignatureCheckResult {
  ok: boolean;
  /** How it was checked, e.g. "HS256 with the channel secret" or "ES256 with LINE's JWKS (kid …)". */
  method: string;
  message?: string | undefined;
}

type Row = readonly [string, MarkdownCell];

/** Everything stored for one account, for reading: never a whole token. */
export function renderTokenDetails(
  tokenSet: TokenSet,
  now: number,
  channel?: Pick<ChannelConfig, 'channelId' | 'name'>,
): string {
  const blocks: string[] = [`# ${inlineMarkdown(vscode.l10n.t('Token details: {0}', accountLabel(tokenSet)))}`];

  blocks.push(
    heading(vscode.l10n.t('Account')),
    fieldTable([
      [
        vscode.l10n.t('Channel'),
        channel === undefined ? tokenSet.channelId : `${channelLabel(channel)} (${tokenSet.channelId})`,
      ],
      [vscode.l10n.t('User ID'), { markdown: codeSpan(tokenSet.userId) }],
      [vscode.l10n.t('Scopes'), tokenSet.scopes.join(' ')],
      [vscode.l10n.t('Signed in'), bothTimes(tokenSet.originalIssuedAt)],
    ]),
  );

  const accessStatus = accessTokenStatus(tokenSet.accessTokenExpiresAt, now);
  blocks.push(
    heading(vscode.l10n.t('Access token')),
    fieldTable([
      [vscode.l10n.t('Token'), { markdown: codeSpan(tokenPreview(tokenSet.accessToken)) }],
      [vscode.l10n.t('Type'), tokenSet.tokenType],
      [vscode.l10n.t('Status'), accessStatusText(accessStatus)],
      [vscode.l10n.t('Issued'), bothTimes(tokenSet.accessTokenIssuedAt)],
      [
        vscode.l10n.t('Expires'),
        `${bothTimes(tokenSet.accessTokenExpiresAt)} · ${formatExpiry(tokenSet.accessTokenExpiresAt, now)}`,
      ],
    ]),
  );

  const refreshExpiresAt = refreshTokenExpiresAt(tokenSet);
  if (tokenSet.refreshToken !== undefined && refreshExpiresAt !== undefined) {
    blocks.push(
      heading(vscode.l10n.t('Refresh token')),
      fieldTable([
        [vscode.l10n.t('Token'), { markdown: codeSpan(tokenPreview(tokenSet.refreshToken)) }],
        [
          vscode.l10n.t('Status'),
          refreshTokenStatus(refreshExpiresAt, now) === 'valid' ? vscode.l10n.t('valid') : vscode.l10n.t('expired'),
        ],
        [
          vscode.l10n.t('Valid until (estimated)'),
          `${bothTimes(refreshExpiresAt)} · ${formatExpiry(refreshExpiresAt, now)}`,
        ],
      ]),
      note(
        vscode.l10n.t(
          'Estimated: a LINE refresh token stays valid for 90 days after the original sign-in, and refreshing does not extend it.',
        ),
      ),
    );
  }

  const idToken = decodeStoredIdToken(tokenSet);
  if (tokenSet.idToken !== undefined && idToken !== undefined) {
    const rows: Row[] = [[vscode.l10n.t('Token'), { markdown: codeSpan(tokenPreview(tokenSet.idToken)) }]];
    if (idToken.alg !== undefined) {
      rows.push([vscode.l10n.t('Algorithm'), idToken.alg]);
    }
    if (typeof idToken.header.kid === 'string') {
      rows.push([vscode.l10n.t('Key ID'), { markdown: codeSpan(idToken.header.kid) }]);
    }
    blocks.push(
      heading(vscode.l10n.t('ID token')),
      fieldTable(rows),
      note(vscode.l10n.t('Decoded for display only. Run "Verify ID Token" to check its signature and claims.')),
      subheading(vscode.l10n.t('Header')),
      fencedBlock(JSON.stringify(idToken.header, null, 2), 'json'),
      subheading(vscode.l10n.t('Claims')),
      claimsTable(explainClaimsLocalized(idToken.claims, now)),
    );
  }

  if (tokenSet.profile !== undefined) {
    const rows: Row[] = [[vscode.l10n.t('Display name'), tokenSet.profile.displayName]];
    if (tokenSet.profile.statusMessage !== undefined) {
      rows.push([vscode.l10n.t('Status message'), tokenSet.profile.statusMessage]);
    }
    if (tokenSet.profile.pictureUrl !== undefined) {
      rows.push([vscode.l10n.t('Picture URL'), tokenSet.profile.pictureUrl]);
    }
    blocks.push(heading(vscode.l10n.t('Profile')), fieldTable(rows));
  }

  blocks.push(
    note(vscode.l10n.t('Only the first characters of each token are shown. Copy a token with "Copy Access Token".')),
  );
  return `${blocks.join('\n\n')}\n`;
}

/** Any JWT, decoded: header, claims with what they mean, and what (if anything) checked its signature. */
export function renderDecodedJwt(
  decoded: DecodedJwt,
  explanations: readonly ClaimExplanation[],
  signatureResult?: SignatureCheckResult,
): string {
  const blocks: string[] = [
    `# ${inlineMarkdown(vscode.l10n.t('Decoded JWT'))}`,
    heading(vscode.l10n.t('Signature')),
    signatureText(decoded, signatureResult),
  ];

  blocks.push(
    heading(vscode.l10n.t('Header')),
    markdownTable(
      [vscode.l10n.t('Parameter'), vscode.l10n.t('Value')],
      Object.entries(decoded.header).map(([name, value]): MarkdownCell[] => [
        { markdown: codeSpan(name) },
        displayValue(value),
      ]),
    ),
  );

  blocks.push(heading(vscode.l10n.t('Claims')));
  blocks.push(explanations.length > 0 ? claimsTable(explanations) : vscode.l10n.t('The payload has no claims.'));

  blocks.push(
    heading(vscode.l10n.t('Raw JSON')),
    subheading(vscode.l10n.t('Header')),
    fencedBlock(JSON.stringify(decoded.header, null, 2), 'json'),
    subheading(vscode.l10n.t('Payload')),
    fencedBlock(JSON.stringify(decoded.claims, null, 2), 'json'),
  );
  return `${blocks.join('\n\n')}\n`;
}

function signatureText(decoded: DecodedJwt, result: SignatureCheckResult | undefined): string {
  if (result !== undefined) {
    const verdict = result.ok
      ? vscode.l10n.t('✅ Signature verified ({0}).', result.method)
      : vscode.l10n.t('❌ Signature not verified ({0}).', result.method);
    return result.message === undefined || result.message === ''
      ? inlineMarkdown(verdict)
      : `${inlineMarkdown(verdict)}\n\n${inlineMarkdown(result.message)}`;
  }
  if (!decoded.signaturePresent) {
    return inlineMarkdown(vscode.l10n.t('⚠️ This token has no signature: anyone could have written it.'));
  }
  return inlineMarkdown(vscode.l10n.t('Not checked. Decoding shows what a token says, not who issued it.'));
}

function claimsTable(explanations: readonly ClaimExplanation[]): string {
  return markdownTable(
    [vscode.l10n.t('Claim'), vscode.l10n.t('Value'), vscode.l10n.t('Meaning')],
    explanations.map((explanation): MarkdownCell[] => [
      { markdown: codeSpan(explanation.claim) },
      claimValue(explanation),
      explanation.explanation,
    ]),
  );
}

/** Times as local time plus the core's UTC-and-relative display; everything else as displayed. */
function claimValue(explanation: ClaimExplanation): string {
  if (TIME_CLAIMS.has(explanation.claim) && typeof explanation.value === 'number') {
    return `${formatDateTime(explanation.value * 1000).local} · ${explanation.display}`;
  }
  return explanation.display;
}

function accessStatusText(status: AccessTokenStatus): string {
  switch (status) {
    case 'valid':
      return vscode.l10n.t('valid');
    case 'expiring':
      return vscode.l10n.t('expiring (less than a day left)');
    case 'expired':
      return vscode.l10n.t('expired');
  }
}

function bothTimes(ms: number): string {
  const { local, utc } = formatDateTime(ms);
  return `${local} (${utc})`;
}

function fieldTable(rows: readonly Row[]): string {
  return markdownTable([vscode.l10n.t('Field'), vscode.l10n.t('Value')], rows);
}

function heading(text: string): string {
  return `## ${inlineMarkdown(text)}`;
}

function subheading(text: string): string {
  return `### ${inlineMarkdown(text)}`;
}

function note(text: string): string {
  return `> ${inlineMarkdown(text)}`;
}

function displayValue(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  // JSON.stringify gives undefined for undefined, which a caller-built header can hold.
  return value === undefined ? 'undefined' : JSON.stringify(value);
}
