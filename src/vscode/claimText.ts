/**
 * ID token claim explanations in the display language. The English texts live in the core
 * (jwtExplain.ts); this adds Japanese, keyed the same, so the core's explainClaims can use either.
 * Kept as a table rather than in the l10n bundle because the keys are claim names, not sentences.
 */
import vscode = require('vscode');
import { CLAIM_EXPLANATIONS, explainClaims, type ClaimExplanation, type ClaimExplanationKey } from '../core/jwtExplain';
import { displayLocale } from './format';

export const CLAIM_EXPLANATIONS_JA = {
  iss: '発行者（Issuer）: トークンを発行した者。LINE の ID トークンでは https://access.line.me、エミュレーターではエミュレーター自身の URL です。',
  sub: 'サブジェクト（Subject）: ユーザー ID。プロバイダーごとに一意です（LINE のユーザー ID は "U" と 32 桁の 16 進数）。アカウントは名前やメールアドレスではなく、必ずこの値で識別してください。',
  aud: 'オーディエンス（Audience）: トークンの発行先のチャネル ID。自分のチャネル ID と一致する必要があります。',
  exp: '有効期限（Expiration time）: この時刻を過ぎたトークンは受け入れてはいけません（わずかな時計のずれは許容）。',
  iat: '発行時刻（Issued at）: トークンが作成された時刻。未来の時刻であってはいけません。',
  auth_time:
    '認証時刻（Authentication time）: ユーザーが最後に実際にログインした時刻。認可リクエストで max_age を送ったときに含まれます。',
  nonce:
    'ノンス（Nonce）: 認可リクエストで送った値がそのまま返されたもの。送った値と一致する必要があります（リプレイ攻撃対策）。',
  amr: '認証方法（Authentication methods）: ユーザーがどの方法でログインしたか。',
  'amr.pwd': 'メールアドレスとパスワード',
  'amr.lineautologin': 'LINE の自動ログイン（LINE SDK 経由を含む）',
  'amr.lineqr': 'LINE アプリで QR コードを読み取り',
  'amr.linesso': 'シングルサインオン（既存の LINE のログインセッション）',
  'amr.mfa': '2 要素認証',
  'amr.unknown': 'LINE が文書化していない方法',
  name: 'ユーザーの表示名（profile スコープ）。ユーザーが変更できるため、ID として使わないでください。',
  picture: 'ユーザーのプロフィール画像の URL（profile スコープ）。',
  email:
    'ユーザーのメールアドレス（email スコープ。チャネルでメールアドレス取得権限の承認が必要）。変更されることがあるため、ID として使わないでください。',
  unknown: 'LINE が ID トークンについて文書化していないクレームです。そのまま表示しています。',
} as const satisfies Readonly<Record<ClaimExplanationKey, string>>;

/** The explanation table for a VS Code display language (`vscode.env.language` by default). */
export function claimExplanationTexts(
  language: string = vscode.env.language,
): Readonly<Record<ClaimExplanationKey, string>> {
  return language.toLowerCase().startsWith('ja') ? CLAIM_EXPLANATIONS_JA : CLAIM_EXPLANATIONS;
}

export function claimExplanation(key: ClaimExplanationKey, language?: string): string {
  return claimExplanationTexts(language)[key];
}

/** The amr value's key in the tables: documented methods by name, anything else as unknown. */
export function amrExplanationKey(method: string): ClaimExplanationKey {
  const key = `amr.${method}`;
  return Object.hasOwn(CLAIM_EXPLANATIONS, key) ? (key as ClaimExplanationKey) : 'amr.unknown';
}

/** {@link explainClaims} with explanations and relative times in the display language. */
export function explainClaimsLocalized(claims: Record<string, unknown>, now: number): ClaimExplanation[] {
  return explainClaims(claims, new Date(now), { texts: claimExplanationTexts(), locale: displayLocale() });
}
