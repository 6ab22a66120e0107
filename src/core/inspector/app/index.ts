/** Your app's traffic to the local emulator, checked against LINE's contract (vscode-free). */
export { UNKNOWN_APP, UNKNOWN_CHANNEL, type AppSession } from './appSessions';
export { AppTrafficTracker, type AppTrafficTrackerOptions, type TrackedChannel } from './tracker';
export {
  buildReportCard,
  ENGLISH_REPORT_CARD_WORDS,
  reportCardMarkdown,
  type ReportCardWords,
  worstVerdict,
  type ReportCard,
  type ReportCardLine,
} from './reportCard';
