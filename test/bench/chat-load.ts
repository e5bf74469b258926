/**
 * Chat through real HTTP on the local platform, the fake provider answering at
 * once (OpenAI wire format, real SDK), a bot of 10,000 chunks:
 * 1. First byte: from sending `POST /chat` to the first streamed byte (the
 *    sources event), warm, one request at a time: p50/p95 over 200 requests.
 *    Each request comes from its own loopback address with a fresh visitor, so
 *    no rate limit interferes.
 * 2. Load: 200 concurrent visitors asking back to back for 60 s (honouring
 *    Retry-After, at most 2 s) from 50 loopback addresses: answers streamed,
 *    deliberate 429s, anything else (must be 0), and this process's RSS over time.
 * Run: npm run bench:chat [-- --seconds 60 --streams 200]. Writes test/bench/results/chat.json.
 * `-- --provider bedrock`: the answer comes through the Bedrock adapter (ConverseStream, real SDK,
 * HTTP/2) from the fake Bedrock instead; writes chat-bedrock.json.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { startFakeBedrock } from '../fakes/bedrock-server.ts';
import { startFakeProvider } from '../fakes/provider-server.ts';
import { newOwner } from '../integration/fixtures/platform.ts';
import { rng, writeSyntheticBot } from './synthetic-bot.ts';

const { values } = parseArgs({ options: { settle: { type: 'string', default: '61' }, seconds: { type: 'string', default: '60' }, streams: { type: 'string', default: '200' }, chunks: { type: 'string', default: '10000' }, provider: { type: 'string', default: 'openai' } } });
const BEDROCK = values.provider === 'bedrock';
const BEDROCK_MODEL = 'amazon.nova-lite-v1:0';
const SECONDS = Number(values.seconds);
const STREAMS = Number(values.streams);
const CHUNKS = Number(values.chunks);
const SAMPLES = 200;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const round = (x: number) => Math.round(x * 100) / 100;
const mb = () => Math.round(process.memoryUsage().rss / 1e6);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fake = await startFakeProvider();
fake.script({ kind: 'reply', text: 'The shop opens at nine. [1]' }, { times: Infinity });
const bedrock = await startFakeBedrock();
bedrock.script({ kind: 'reply', text: 'The shop opens at nine. [1]' }, { times: Infinity });
const platform = await startPlatform({
  logLevel: 'error',
  env: {
    PARLEY_OPENAI_BASE_URL: fake.openaiBaseUrl, PARLEY_PLATFORM_OPENAI_KEY: 'sk-bench-platform-key-000000000000000',
    PARLEY_BEDROCK_MODELS: BEDROCK_MODEL, PARLEY_BEDROCK_ENDPOINT: bedrock.url,
  },
});
/** One keep-alive agent per loopback source address (127.0.0.2 …), for undici's own fetch (Node's bundled one cannot take it). */
const agents = Array.from({ length: 250 }, (_, i) => new Agent({ localAddress: `127.0.0.${i + 2}`, connections: 64 }));

try {
  const owner = await newOwner(platform);
  const budget = { dailyTokens: 1e9, monthlyTokens: 1e10, dailyCostMicros: 1e10, monthlyCostMicros: 1e11 };
  const patched = await owner.request('PATCH', `/v1/bots/${owner.botId}`, { model: BEDROCK ? { provider: 'bedrock', model: BEDROCK_MODEL } : { provider: 'openai', model: 'gpt-4.1-mini' }, budget });
  if (patched.status !== 200) throw new Error(`bot: ${patched.status} ${patched.text}`);
  const random = rng(7);
  const { texts } = await writeSyntheticBot(platform.deps, tenantForSystem(owner.accountId), owner.botId, CHUNKS, random);
  const question = () => texts[Math.floor(random() * texts.length)]!.split(' ').slice(0, 8).join(' ');

  const base = `${platform.apiUrl}/widget/v1/${owner.publicId}`;
  const session = async (agent: Agent): Promise<string> => {
    const res = await undiciFetch(`${base}/sessions`, { method: 'POST', dispatcher: agent });
    const body = (await res.json()) as { token?: string };
    if (!body.token) throw new Error(`session: ${res.status}`);
    return body.token;
  };
  /** Asks once; resolves with the status, ms to the first body byte, and Retry-After. */
  const chat = async (agent: Agent, token: string) => {
    const started = performance.now();
    const res = await undiciFetch(`${base}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ question: question() }),
      dispatcher: agent,
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstByteMs = performance.now() - started;
    let text = new TextDecoder().decode(first.value as Uint8Array | undefined);
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value as Uint8Array);
    const complete = res.status !== 200 || (text.includes('event: done') && !text.includes('event: error'));
    return { status: res.status, firstByteMs, complete, retryAfter: Number(res.headers.get('retry-after') ?? 0) };
  };

  // 1. First byte, warm.
  for (let i = 0; i < 20; i++) await chat(agents[i]!, await session(agents[i]!));
  const firstBytes: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const agent = agents[(i + 20) % agents.length]!;
    const out = await chat(agent, await session(agent));
    if (out.status !== 200 || !out.complete) throw new Error(`first-byte sample ${i}: ${out.status}`);
    firstBytes.push(out.firstByteMs);
  }
  process.stderr.write(`first byte p50 ${round(percentile(firstBytes, 50))} ms, p95 ${round(percentile(firstBytes, 95))} ms\n`);

  // 2. Load: STREAMS visitors at once, for SECONDS.
  await sleep(Number(values.settle) * 1000); // A fresh minute for every address's limits.
  const counts = { answered: 0, rateLimited: 0, other: 0, errors: 0 };
  const otherStatuses: Record<string, number> = {};
  const rss: Array<{ s: number; mb: number }> = [{ s: 0, mb: mb() }];
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const sampler = setInterval(() => {
    // The fakes record every request; forget them, so only the platform's memory is measured.
    bedrock.requests.length = 0;
    fake.requests.length = 0;
    rss.push({ s: Math.round((performance.now() - started) / 1000), mb: mb() });
  }, 5_000);
  const loadFirstBytes: number[] = [];
  await Promise.all(Array.from({ length: STREAMS }, async (_, i) => {
    const agent = agents[i % 50]!;
    let token = '';
    while (performance.now() < deadline) {
      try {
        if (!token) {
          const res = await undiciFetch(`${base}/sessions`, { method: 'POST', dispatcher: agent });
          const body = (await res.json()) as { token?: string };
          if (res.status === 429) {
            counts.rateLimited++;
            await sleep(Math.min(2, Number(res.headers.get('retry-after') ?? 1)) * 1000);
            continue;
          }
          if (!body.token) throw new Error(`session ${res.status}`);
          token = body.token;
        }
        const out = await chat(agent, token);
        if (out.status === 200 && out.complete) {
          counts.answered++;
          loadFirstBytes.push(out.firstByteMs);
        } else if (out.status === 429) {
          counts.rateLimited++;
          await sleep(Math.min(2, out.retryAfter || 1) * 1000);
        } else {
          counts.other++;
          otherStatuses[out.status] = (otherStatuses[out.status] ?? 0) + 1;
        }
      } catch (err) {
        counts.errors++;
        otherStatuses[String((err as Error).message).slice(0, 60)] = (otherStatuses[String((err as Error).message).slice(0, 60)] ?? 0) + 1;
      }
    }
  }));
  clearInterval(sampler);
  rss.push({ s: SECONDS, mb: mb() });

  const results = {
    date: new Date().toISOString().slice(0, 10),
    machine: '2 cores; the API, DynamoDB Local and the fake provider on one machine',
    provider: BEDROCK ? `bedrock ${BEDROCK_MODEL} (fake Bedrock, ConverseStream over HTTP/2)` : 'openai gpt-4.1-mini (fake provider)',
    botChunks: CHUNKS,
    firstByte: { samples: SAMPLES, p50Ms: round(percentile(firstBytes, 50)), p95Ms: round(percentile(firstBytes, 95)) },
    load: {
      streams: STREAMS,
      seconds: SECONDS,
      ...counts,
      otherStatuses,
      answersPerSecond: round(counts.answered / SECONDS),
      firstByteUnderLoadP50Ms: round(percentile(loadFirstBytes, 50)),
      firstByteUnderLoadP95Ms: round(percentile(loadFirstBytes, 95)),
      rssMB: rss,
    },
  };
  await fs.writeFile(path.join(import.meta.dirname, 'results', BEDROCK ? 'chat-bedrock.json' : 'chat.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results));
} finally {
  await Promise.all(agents.map((a) => a.close()));
  await platform.stop();
  await fake.close();
  await bedrock.close();
}
