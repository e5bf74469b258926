// Under the EU residency profile a function outside an eu-* region refuses to start:
// the handlers cannot even be loaded, so nothing is stored in the wrong place.
import { describe, expect, inject, it } from 'vitest';
import { startPlatform } from '../../infra/local/platform.ts';

describe('the EU residency profile outside the EU', () => {
  it('keeps the functions from starting, naming the variable and the region', async () => {
    await expect(startPlatform({
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      s3Endpoint: inject('s3Endpoint'),
      masterKeyFile: inject('masterKeyFile'),
      logLevel: 'warn',
      onError: () => undefined,
      env: { PARLEY_RESIDENCY: 'eu', AWS_REGION: 'us-east-1' },
    })).rejects.toThrow(/Invalid Parley configuration: AWS_REGION: PARLEY_RESIDENCY=eu keeps data in the EU, but this function runs in us-east-1; deploy to an eu-\* region/);
  });
});
