import { describe, expect, it } from 'vitest';
import { countPersonalData, findPersonalData, maskPersonalData, passesLuhn, validIban } from '../../lambdas/core/personal-data.ts';

const kinds = (text: string) => findPersonalData(text).map((f) => [f.kind, text.slice(f.start, f.end)]);

describe('personal data detection', () => {
  it('finds e-mail addresses, including international ones', () => {
    expect(kinds('Write to anna.berg+help@example.co.uk or zoë@exämple.de.')).toEqual([
      ['email', 'anna.berg+help@example.co.uk'], ['email', 'zoë@exämple.de'],
    ]);
  });

  it('finds card numbers only when they pass Luhn', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(kinds('Card 4111 1111 1111 1111, not 4111 1111 1111 1112.')).toEqual([['card', '4111 1111 1111 1111']]);
  });

  it('finds IBANs only when their checksum holds', () => {
    expect(validIban('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(validIban('DE89 3704 0044 0532 0130 01')).toBe(false);
    expect(kinds('Pay to GB82 WEST 1234 5698 7654 32 please')).toEqual([['iban', 'GB82 WEST 1234 5698 7654 32']]);
  });

  it('finds phone numbers written as phone numbers, not dates, prices or years', () => {
    expect(kinds('Call +44 20 7946 0958 or (030) 1234 5678.')).toEqual([['phone', '+44 20 7946 0958'], ['phone', '(030) 1234 5678']]);
    expect(kinds('On 2024-03-15 we sold 1,250 units for 12.99 in 1999 and 2000.')).toEqual([]);
  });

  it('finds national id numbers', () => {
    expect(kinds('SSN 123-45-6789; NI number AB 12 34 56 C.')).toEqual([['national_id', '123-45-6789'], ['national_id', 'AB 12 34 56 C']]);
    expect(kinds('SSN 000-12-3456').filter(([kind]) => kind === 'national_id')).toEqual([]);
  });

  it('counts by kind and masks without moving any offset', () => {
    const text = 'Mail a@b.io, call +1 415 555 0100, card 5500 0000 0000 0004.';
    const findings = findPersonalData(text);
    expect(countPersonalData(findings)).toEqual({ email: 1, phone: 1, card: 1 });
    const masked = maskPersonalData(text, findings);
    expect(masked).toHaveLength(text.length);
    expect(masked).toBe('Mail ••••••, call •••••••••••••••, card •••••••••••••••••••.');
  });

  it('stays fast on large inputs', () => {
    const text = 'Plain words and numbers 12 345 and dates 2024-01-01. '.repeat(20_000);
    const t = performance.now();
    expect(findPersonalData(text)).toEqual([]);
    expect(performance.now() - t).toBeLessThan(5_000);
  });
});
