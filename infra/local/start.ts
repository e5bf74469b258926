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
import { DIGEST_HOUR_UTC } from '../../lambdas/core/digest.ts';
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

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number from 0 to 65535, not ${values.port}`);
  process.exit(2);
}

let stopping = false;
let shutdown = (reason: string): void => {
  // A signal before the platform is up: nothing is left behind, since startPlatform stops what it started when it fails.
  console.log(`\n${reason}: stopping…`);
  stopping = true;
};

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));

const started = Date.now();
let adminUrl = '';
const platform = await startPlatform({
  dataDir: values.memory ? undefined : values.data,
  port,
  logLevel,
  // A signal to DynamoDB Local's Java stops everything, as one to this process does.
  onStopSignal: (signal) => shutdown(`DynamoDB Local got ${signal}`),
  log: (line) => console.error(line),
  // On AWS Cognito e-mails this; here it is shown, so you see what an invited person gets.
  onInvitation: ({ email, temporaryPassword, kind }) => {
    const body = renderInvitation(adminUrl, email, temporaryPassword).replace(/^/gm, '  ');
    console.log(`\n--- E-mail Cognito would send${kind === 'resent' ? ' again' : ''} ---\nTo: ${email}\nSubject: ${INVITATION_SUBJECT}\n\n${body}\n  (Locally, sign in with the address alone: no password is asked.)\n---\n`);
  },
  // One line per notification e-mail: who and the subject (no visitor text); the whole message is in the outbox folder.
  mail: { onMail: ({ to, subject }) => console.log(`mail to ${to.join(', ')}: ${subject}${values.memory ? '' : ` (kept in ${path.join(values.data, 'outbox')})`}`) },
}).catch((err: unknown) => {
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Port ${port} is already in use on 127.0.0.1 (is Parley already running?). Stop what uses it, or start on another port: npm start -- --port 8788`);
  } else {
    console.error('The local platform could not start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
if (stopping) {
  await platform.stop();
  process.exit(0);
}
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
  Outbox (SES)    ${platform.outbox.url}   (notification e-mails: a line each here${platform.dataDir ? `, the text in ${path.join(platform.dataDir, 'outbox')}` : ''})
  Data            ${platform.dataDir ?? 'in memory: gone when you stop'}

Logs: ${logLevel === 'warn' || logLevel === 'error' ? 'warnings and errors only (--log-level info for a line per request)' : logLevel}.
Press Ctrl-C to stop.
`);

// Run by npm (whose script execs this process, so npm's forwarded SIGINT and SIGTERM arrive here):
// if npm itself goes away without a word (SIGKILL), this process is adopted by another; stop then too.
if (process.env.npm_lifecycle_event === 'start') {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown('npm has gone');
  }, 1000).unref();
}

// DynamoDB Local never deletes expired items: sweep them hourly, as the stack's sweeper does daily.
const sweep = setInterval(() => {
  platform.sweep().catch((err: unknown) => console.error('sweep failed', err));
}, 60 * 60 * 1000);
sweep.unref();

// The daily digest, as the stack's schedule starts it: once a day, at its hour (UTC), while npm start runs.
let digestedOn = '';
const digest = setInterval(() => {
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  if (now.getUTCHours() !== DIGEST_HOUR_UTC || digestedOn === today) return;
  digestedOn = today;
  platform.digest(now).catch((err: unknown) => console.error('digest failed', err));
}, 5 * 60 * 1000);
digest.unref();

shutdown = (reason: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping…`);
  platform.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
