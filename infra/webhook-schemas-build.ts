/**
 * Writes the published JSON Schemas of the webhook bodies (lambdas/contracts/webhook-events.ts) to
 * lambdas/contracts/webhook-events/v<version>/: `npm run build:webhook-schemas`. The unit test
 * test/unit/webhook-event-schemas.test.ts fails while the committed files differ from what this writes.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { publishedWebhookSchemas } from '../lambdas/contracts/webhook-events.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

for (const { path: relative, text } of publishedWebhookSchemas()) {
  const file = path.join(ROOT, relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  console.log(`wrote ${relative}`);
}
