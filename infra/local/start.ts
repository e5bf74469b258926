/**
 * `npm start`: the local platform on embedded defaults — no AWS account, no API key.
 *   --memory     a throwaway run: nothing is kept
 *   --port N     API port (default 8787; 0 picks a free one)
 *   --data DIR   data folder (default .parley/ in the project)
 *   --log-level L  debug, info (a line per request), warn (default) or error
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderInvitation, INVITATION_SUBJECT } from '../invitation-message.ts';
import { startPlatform } from './platform.ts';

const { values } = parseArgs({
  options: {
    memory: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../.parley') },
    'log-level': { type: 'string', default: 'warn' },
  },
});

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const logLevel = LOG_LEVELS.find((l) => l === values['log-level']);
if (!logLevel) {
  console.error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  process.exit(2);
}

const started = Date.now();
let adminUrl = '';
const platform = await startPlatform({
  dataDir: values.memory ? undefined : values.data,
  port: Number(values.port),
  logLevel,
  // On AWS Cognito e-mails this; here it is shown, so you see what an invited person gets.
  onInvitation: ({ email, temporaryPassword, kind }) => {
    const body = renderInvitation(adminUrl, email, temporaryPassword).replace(/^/gm, '  ');
    console.log(`\n--- E-mail Cognito would send${kind === 'resent' ? ' again' : ''} ---\nTo: ${email}\nSubject: ${INVITATION_SUBJECT}\n\n${body}\n  (Locally, sign in with the address alone: no password is asked.)\n---\n`);
  },
});
adminUrl = `${platform.apiUrl}/admin/`;

console.log(`
Parley local platform is ready in ${((Date.now() - started) / 1000).toFixed(1)} s.

  Admin panel     ${platform.apiUrl}/admin/   (sign in with any e-mail address)
  API             ${platform.apiUrl}
  Sign in         POST ${platform.apiUrl}/local/sign-in  {"email":"you@example.com"}   (local use only)
  Admin API       ${platform.apiUrl}/v1/...   (Authorization: Bearer <token>)
  Widget API      ${platform.apiUrl}/widget/v1/<publicId>/...
  Widget script   <script src="${platform.apiUrl}/widget.js" data-bot="<publicId>" async></script>
  DynamoDB Local  ${platform.dynamodbUrl}   table ${platform.table}
  S3 (emulator)   ${platform.s3Url}   bucket ${platform.bucket}
  Cognito (fake)  ${platform.cognito.url}   pool ${platform.cognito.userPoolId}   (invitation e-mails are printed here)
  Data            ${platform.dataDir ?? 'in memory: gone when you stop'}

Logs: ${logLevel === 'warn' || logLevel === 'error' ? 'warnings and errors only (--log-level info for a line per request)' : logLevel}.
Press Ctrl-C to stop.
`);

// DynamoDB Local never deletes expired items: sweep them hourly, as the stack's sweeper does daily.
const sweep = setInterval(() => {
  platform.sweep().catch((err: unknown) => console.error('sweep failed', err));
}, 60 * 60 * 1000);
sweep.unref();

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  platform.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
