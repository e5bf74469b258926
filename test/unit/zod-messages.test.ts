/**
 * The widget and chat bodies use zod's mini build, which carries no messages of
 * its own: a visitor's bad request must still say what is wrong, in words.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { jsonBody } from '../../lambdas/http/request.ts';
import * as z from 'zod/mini';

const event = (body: unknown): APIGatewayProxyEventV2 =>
  ({ body: JSON.stringify(body), isBase64Encoded: false, headers: { 'content-type': 'application/json' } }) as unknown as APIGatewayProxyEventV2;

describe('request bodies checked by the mini build', () => {
  const schema = z.strictObject({ question: z.string().check(z.maxLength(5)), rating: z.enum(['up', 'down']) });

  it('names the field and says what is wrong, in English', () => {
    expect(() => jsonBody(event({ question: 'too long', rating: 'up' }), schema)).toThrow('question: Too big: expected string to have <=5 characters');
    expect(() => jsonBody(event({ question: 'ok', rating: 'sideways' }), schema)).toThrow(/^rating: Invalid option: expected one of "up"\|"down"$/);
    expect(() => jsonBody(event({ question: 'ok', rating: 'up', extra: 1 }), schema)).toThrow('body: Unrecognized key: "extra"');
  });

  it('passes a good body through', () => {
    expect(jsonBody(event({ question: 'hi', rating: 'down' }), schema)).toEqual({ question: 'hi', rating: 'down' });
  });
});
