/** Where each app-side rule is written down, beyond the Inspector's own citations (../citations.ts). */
import { CITE } from '../citations';
import type { Citation } from '../model';

const LINE_REF = 'https://developers.line.biz/en/reference/line-login/';

function rfc(number: number, section: string): Citation {
  return { label: `RFC ${number} §${section}`, url: `https://www.rfc-editor.org/rfc/rfc${number}#section-${section}` };
}

export const APP_CITE = {
  ...CITE,
  rfc6749CodeOnce: rfc(6749, '4.1.2'),
  rfc6749Guessing: rfc(6749, '10.10'),
  rfc6749ClientPassword: rfc(6749, '2.3.1'),
  rfc6750Query: rfc(6750, '5.3'),
  deauthorize: {
    label: 'LINE Login v2.1 API reference: Deauthorize your app to which the user has granted permissions',
    url: `${LINE_REF}#deauthorize`,
  },
  logout: {
    label: 'LINE: Managing users (Logging out users)',
    url: 'https://developers.line.biz/en/docs/line-login/managing-users/#logout',
  },
  deauthorizeGuideline: {
    label: 'LINE Login development guidelines: Deauthorize your app when a user unregisters',
    url: 'https://developers.line.biz/en/docs/line-login/development-guidelines/#deauthorize',
  },
} as const satisfies Record<string, Citation>;
