/**
 * How wide Intl should write units ("29 days", "in 3 hours") in a language. CLDR's long forms put a
 * space between the number and a Japanese or Chinese unit ("29 日後", "3 時間前"), which written
 * Japanese and Chinese do not; their narrow forms are the usual spelling ("29日後", "3時間前").
 * Other languages keep the long, spelled-out form.
 */
export function unitStyleFor(locale: string): 'long' | 'narrow' {
  return /^(ja|zh)\b/i.test(locale) ? 'narrow' : 'long';
}
