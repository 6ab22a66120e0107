/**
 * Times and durations in the display language. Intl does the grammar in every language VS Code
 * ships; vscode.l10n only wraps the phrases around it ("expires {0}").
 */
import vscode = require('vscode');
import { unitStyleFor } from '../core/unitStyle';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export type TimeUnit = 'second' | 'minute' | 'hour' | 'day';

/**
 * The largest whole unit of a signed duration, truncated toward zero so that "in 23 hours" never
 * overstates what is left (a token with 23 h 50 min left is not "1 day" away).
 */
export function durationParts(deltaMs: number): { value: number; unit: TimeUnit } {
  const abs = Math.abs(deltaMs);
  const [size, unit]: [number, TimeUnit] =
    abs < MINUTE_MS
      ? [1000, 'second']
      : abs < HOUR_MS
        ? [MINUTE_MS, 'minute']
        : abs < DAY_MS
          ? [HOUR_MS, 'hour']
          : [DAY_MS, 'day'];
  // Intl writes -0 as "0 seconds ago" and 0 as "in 0 seconds": under one unit, the sign of the time
  // says which (a token's iat, a moment ago, is not "in 0 seconds"; now counts as past, as in formatExpiry).
  const value = Math.trunc(deltaMs / size);
  return { value: value !== 0 ? value : deltaMs <= 0 ? -0 : 0, unit };
}

/** The display language as a BCP 47 tag Intl accepts (VS Code's `env.language` is e.g. `ja` or `zh-cn`). */
let canonical: { language: string; locale: string } | undefined;

export function displayLocale(): string {
  const language = vscode.env.language;
  if (canonical?.language !== language) {
    let locale = 'en';
    try {
      locale = Intl.getCanonicalLocales(language)[0] ?? 'en';
    } catch {
      // An unknown tag: English, as VS Code itself falls back.
    }
    canonical = { language, locale };
  }
  return canonical.locale;
}

/**
 * Intl formatters are costly to construct (the tree formats thousands of times per rebuild), so one
 * is kept per locale and option set.
 */
const formatters = new Map<string, Intl.RelativeTimeFormat | Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.RelativeTimeFormat | Intl.NumberFormat | Intl.DateTimeFormat>(
  kind: string,
  options: object,
  create: (locale: string) => T,
): T {
  const locale = displayLocale();
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key) as T | undefined;
  if (formatter === undefined) {
    formatter = create(locale);
    formatters.set(key, formatter);
  }
  return formatter;
}

function unitStyle(): 'long' | 'narrow' {
  return unitStyleFor(displayLocale());
}

/** "in 29 days" / "3 hours ago" ("29日後" / "3時間前"). */
export function formatRelative(ms: number, now: number): string {
  const { value, unit } = durationParts(ms - now);
  const options: Intl.RelativeTimeFormatOptions = { numeric: 'always', style: unitStyle() };
  return cached('relative', options, (locale) => new Intl.RelativeTimeFormat(locale, options)).format(value, unit);
}

/** "expires in 29 days" / "expired 3 hours ago". */
export function formatExpiry(expiresAt: number, now: number): string {
  const relative = formatRelative(expiresAt, now);
  return expiresAt > now ? vscode.l10n.t('expires {0}', relative) : vscode.l10n.t('expired {0}', relative);
}

/**
 * "29 days left" / "expired 3 hours ago" ("残り 29 日" / "3時間前に期限切れ"): a tree row's short
 * form of {@link formatExpiry}, the same words as the status bar.
 */
export function formatRemaining(expiresAt: number, now: number): string {
  return expiresAt > now
    ? vscode.l10n.t('{0} left', formatDuration(expiresAt - now))
    : vscode.l10n.t('expired {0}', formatRelative(expiresAt, now));
}

/** A length of time without direction: "29 days", "3 hours" ("29 日", "3 時間"). */
export function formatDuration(ms: number): string {
  const { value, unit } = durationParts(Math.max(0, ms));
  if (unit === 'second') {
    return vscode.l10n.t('less than a minute');
  }
  // Not unitStyle(): Intl's narrow Japanese unit for a bare duration is a Latin "29d".
  const options: Intl.NumberFormatOptions = { style: 'unit', unit, unitDisplay: 'long' };
  return cached('number', options, (locale) => new Intl.NumberFormat(locale, options)).format(value);
}

function dateTimeFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached('dateTime', options, (locale) => new Intl.DateTimeFormat(locale, options));
}

export interface FormattedDateTime {
  /**
   * In the extension host's time zone and the display language, to the minute, with the zone (a
   * remote host's zone may not be the person's): "December 25, 2026 at 5:31 PM GMT+9",
   * "2026年12月25日 17:31 JST". The exact instant is `utc`, shown beside it.
   */
  local: string;
  /** ISO 8601 UTC, seconds precision: `2025-01-31T09:00:00Z`. */
  utc: string;
}

export function formatDateTime(ms: number): FormattedDateTime {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) {
    return { local: String(ms), utc: String(ms) };
  }
  return {
    local: dateTimeFormat({
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(date),
    utc: date.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** The local date only, short enough for a tree row's description: "Mar 1, 2025" / "2025/03/01". */
export function formatDate(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) {
    return String(ms);
  }
  return dateTimeFormat({ dateStyle: 'medium' }).format(date);
}

/** The local time of day to the second, for a tree row: "5:04:01 PM" / "17:04:01". */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) {
    return String(ms);
  }
  return dateTimeFormat({ hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(date);
}

/** "March 1, 2025 at 9:00 AM GMT+9 (2025-03-01T00:00:00Z)" / "2025年3月1日 9:00 JST (2025-03-01T00:00:00Z)". */
export function formatDateTimeBoth(ms: number): string {
  const { local, utc } = formatDateTime(ms);
  return local === utc ? local : `${local} (${utc})`;
}
