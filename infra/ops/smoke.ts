/**
 * An operator's check after a deploy:
 *
 *   npm run smoke -- <outputs.json | URL> [--bot <publicId>] [--origin <origin>] [--question <q>] [--timeout <seconds>]
 *
 * `outputs.json` is the file `cdk deploy --outputs-file outputs.json` writes; a URL
 * is the stack's address (its CloudFront domain or custom domain). Checks widget.js,
 * the admin panel's config.json, and, given a bot's public id and a page origin it
 * allows, a visitor session and a streamed answer. Prints one line per check and
 * exits 1 if any failed (2 if the command was given something it cannot use).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { baseUrlFromOutputs, originOf, runSmokeChecks, SmokeInputError, type CheckStatus } from './smoke-checks.ts';

const USAGE = 'usage: npm run smoke -- <outputs.json | URL> [--bot <publicId>] [--origin <origin>] [--question <text>] [--timeout <seconds>]';
const MARK: Record<CheckStatus, string> = { ok: '✓', failed: '✗', skipped: '–' };

const main = async (): Promise<number> => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      bot: { type: 'string' },
      origin: { type: 'string' },
      question: { type: 'string', default: 'What can you help me with?' },
      timeout: { type: 'string', default: '120' },
    },
  });
  const [target, ...extra] = positionals;
  if (!target || extra.length) throw new SmokeInputError(USAGE);
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout < 1 || timeout > 900) throw new SmokeInputError(`--timeout is in seconds, from 1 to 900, not "${values.timeout}"`);
  if (values.bot !== undefined && !/^[\w-]{1,64}$/.test(values.bot)) throw new SmokeInputError(`--bot takes a bot's public id (letters, digits, - and _), not "${values.bot}"`);

  let baseUrl: string;
  if (/^https?:\/\//i.test(target)) baseUrl = originOf(target, 'The address');
  else if (existsSync(target)) {
    let outputs: unknown;
    try {
      outputs = JSON.parse(readFileSync(target, 'utf8'));
    } catch {
      throw new SmokeInputError(`${target} is not JSON: give the file \`cdk deploy --outputs-file\` wrote, or the stack's address`);
    }
    baseUrl = baseUrlFromOutputs(outputs);
  } else throw new SmokeInputError(`${target} is neither an http(s) address nor a file here.\n${USAGE}`);

  const origin = values.origin === undefined ? undefined : originOf(values.origin, '--origin');
  console.log(`Parley smoke check of ${baseUrl}`);
  const results = await runSmokeChecks({ baseUrl, bot: values.bot, origin, question: values.question, timeoutMs: timeout * 1000 });
  for (const r of results) console.log(`${MARK[r.status]} ${r.name}: ${r.detail}`);
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  console.log(`${count('ok')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
  return count('failed') > 0 ? 1 : 0;
};

try {
  process.exitCode = await main();
} catch (err) {
  if (!(err instanceof SmokeInputError) && !(err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) throw err;
  console.error(err.message);
  process.exitCode = 2;
}
