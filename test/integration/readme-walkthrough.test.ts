/** The README's curl walkthrough, run as written against a fresh platform, so the docs stay true. */
import { describe, it } from 'vitest';
import { usePlatform } from './fixtures/platform.ts';
import { expectCitedAnswer, runReadmeWalkthrough } from './fixtures/readme-walkthrough.ts';

describe('the README', () => {
  const platform = usePlatform();

  it('walks through sign-in, bot, upload and a cited answer with curl', async () => {
    expectCitedAnswer(await runReadmeWalkthrough(platform().apiUrl));
  });
});
