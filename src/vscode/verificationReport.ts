/** The "Verify ID Token" report: the local check and LINE's verify endpoint side by side. */
import vscode = require('vscode');
import type { IdTokenCheck, IdTokenComparison } from '../core/accounts';
import { LINE_ID_TOKEN_CLAIMS, type IdTokenClaims } from '../core/types';
import { formatDateTime } from './format';
import { inlineMarkdown, markdownTable } from '../core/markdownText';
import { TIME_CLAIMS } from '../core/jwtExplain';

function verdict(check: IdTokenCheck): string {
  return check.ok ? vscode.l10n.t('✅ valid') : vscode.l10n.t('❌ {0}', check.errorCode ?? '');
}

function claimValue(claims: IdTokenClaims | undefined, claim: keyof IdTokenClaims): string {
  const value = claims?.[claim];
  if (value === undefined) {
    return '—';
  }
  if (TIME_CLAIMS.has(claim) && typeof value === 'number') {
    return `${value} (${formatDateTime(value * 1000).utc})`;
  }
  return Array.isArray(value) ? value.join(', ') : String(value);
}

export function renderIdTokenComparison(comparison: IdTokenComparison, accountLabel: string): string {
  const differs = (key: string): string => (comparison.differences.includes(key) ? '**≠**' : '');
  const lines = [
    `# ${inlineMarkdown(vscode.l10n.t('ID token verification: {0}', accountLabel))}`,
    '',
    inlineMarkdown(
      vscode.l10n.t(
        "Local: signature (HS256 with the channel secret, or ES256 with LINE's JWKS) and claims (iss, aud, exp, iat, nonce). LINE: POST /oauth2/v2.1/verify.",
      ),
    ),
    '',
    markdownTable(
      ['', vscode.l10n.t('Local check'), vscode.l10n.t('LINE verify endpoint'), ''],
      [
        [vscode.l10n.t('Verdict'), verdict(comparison.local), verdict(comparison.server), differs('verdict')],
        ...LINE_ID_TOKEN_CLAIMS.map(
          (claim) =>
            [
              claim,
              inlineMarkdown(claimValue(comparison.local.claims, claim)),
              inlineMarkdown(claimValue(comparison.server.claims, claim)),
              differs(claim),
            ] as const,
        ),
      ],
    ),
    '',
  ];
  for (const [label, check] of [
    [vscode.l10n.t('Local check'), comparison.local],
    [vscode.l10n.t('LINE verify endpoint'), comparison.server],
  ] as const) {
    if (!check.ok && check.errorMessage !== undefined) {
      lines.push(`**${inlineMarkdown(label)}:** ${inlineMarkdown(check.errorMessage)}`, '');
    }
  }
  lines.push(
    comparison.differences.length === 0
      ? inlineMarkdown(vscode.l10n.t('Both checks agree.'))
      : `**${inlineMarkdown(vscode.l10n.t('The checks differ in: {0}', comparison.differences.join(', ')))}**`,
  );
  return lines.join('\n');
}
