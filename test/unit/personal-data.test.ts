import { describe, expect, it } from 'vitest';
import { countPersonalData, findPersonalData, maskPersonalData, passesLuhn, phoneCountriesForRegion, validIban } from '../../lambdas/core/personal-data.ts';
import { expectLinearTime, LINEAR_TIME_TEST_TIMEOUT_MS } from './fixtures/linear-time.ts';
import { CORPUS_COUNTRIES, personalDataCorpus } from './fixtures/personal-data-corpus.ts';
import expectedCorpusFindings from './fixtures/personal-data-findings.json' with { type: 'json' };

type Country = ReturnType<typeof phoneCountriesForRegion>[number];
const kinds = (text: string, ...phoneCountries: Country[]) =>
  findPersonalData(text, { phoneCountries }).map((f) => [f.kind, text.slice(f.start, f.end)]);
const phones = (text: string, ...phoneCountries: Country[]) =>
  findPersonalData(text, { phoneCountries }).filter((f) => f.kind === 'phone').map((f) => text.slice(f.start, f.end));

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
    expect(kinds('Call +44 20 7946 0958 or (030) 1234 5678.', 'DE')).toEqual([['phone', '+44 20 7946 0958'], ['phone', '(030) 1234 5678']]);
    expect(kinds('On 2024-03-15 we sold 1,250 units for 12.99 in 1999 and 2000.', 'DE')).toEqual([]);
  });

  it('finds Austrian numbers with Austrian context, in national and international form', () => {
    expect(phones('Ruf an: +43 1 53115 0 oder 0664 1234567, Fax 01 53115 2000.', 'AT')).toEqual(['+43 1 53115 0', '0664 1234567', '01 53115 2000']);
  });

  it('finds real-looking numbers from Germany, France, the UK and the US in their own context', () => {
    expect(phones('Zentrale +49 30 901820, Büro (030) 1234 5678, mobil 0151 23456789.', 'DE')).toEqual(['+49 30 901820', '(030) 1234 5678', '0151 23456789']);
    expect(phones('Appelez le 01 42 68 53 00 ou +33 6 12 34 56 78.', 'FR')).toEqual(['01 42 68 53 00', '+33 6 12 34 56 78']);
    expect(phones('Call 020 7946 0958, +44 20 7946 0958 or 07911 123456.', 'GB')).toEqual(['020 7946 0958', '+44 20 7946 0958', '07911 123456']);
    expect(phones('Call (415) 555-0100, +1 212 736 3100 or 212.736.3100.', 'US')).toEqual(['(415) 555-0100', '+1 212 736 3100', '212.736.3100']);
  });

  it('finds international numbers without any country, but national ones only with their country', () => {
    expect(phones('Wien +43 1 53115 0, Paris +33 1 42 68 53 00, mobil 0664 1234567.')).toEqual(['+43 1 53115 0', '+33 1 42 68 53 00']);
  });

  it('does not take hex dumps, ids, reference numbers or dates for phone numbers', () => {
    const hexDump = [
      '00000000  25 50 44 46 2d 31 2e 37 0a 25 e2 e3 cf d3 0a 31  |%PDF-1.7.%.....1|',
      '00000010  20 30 20 6f 62 6a 0a 3c 3c 2f 54 79 70 65 20 2f  | 0 obj.<</Type /|',
      '00000020  43 61 74 61 6c 6f 67 20 32 20 30 20 52 3e 3e 0a  |Catalog 2 0 R>>.|',
      '0000 0010 0020 0030 0040 0050 0060 0070',
      '1 0 obj 2 0 obj 3 0 obj 0000000015 00000 n 0000000064 00000 n',
    ].join('\n');
    for (const country of ['AT', 'DE', 'FR', 'GB', 'US'] as const) {
      expect(phones(hexDump, country)).toEqual([]);
      expect(phones('Order 4711 0815 2024, ticket 1234-5678-9012, id 4711081520, on 2024-03-15; 12.99 and 1,250.', country)).toEqual([]);
      expect(phones('Drug PF-04449913 and trial NCT04449913; 95% CI 0.750-0.757 or 0.997-1.001.', country)).toEqual([]);
    }
  });

  it('skips hex dump lines in any layout, yet finds French numbers written in pairs', () => {
    // Lines of a hex dump of a PDF's bytes whose pairs or text column libphonenumber-js takes for numbers.
    const dumps = [
      '000003c0  2f 43 6f 6e 74 65 6e 74  73 20 5b 20 37 20 30 20  |/Contents [ 7 0 |',
      '00000630  2f 46 69 6c 74 65 72 20  2f 46 6c 61 74 65 44 65  |/Filter /FlateDe|',
      '00000190  30 36 39 30 30 36 32 30  30 32 30 30 30 32 38 30  |0690062002000280|',
      '000007e0  30 31 36 20 30 30 30 30  30 20 6e 20 0a 30 30 30  |016 00000 n .000|',
      '000003c0: 2f43 6f6e 7465 6e74 7320 5b20 3720 3020  /Contents [ 7 0 ',
      '73 20 5b 20 37 20 30 20 20 37 20 30 20 31 39 39 6f 62',
    ];
    for (const countries of [['US'], ['DE', 'AT', 'CH'], ['FR'], ['GB'], ['IE']] as const) {
      for (const line of dumps) expect(phones(`Bytes:\n${line}\nCall +43 1 53115 0.`, ...countries)).toEqual(['+43 1 53115 0']);
    }
    expect(phones('Standard 01 42 68 53 00, fax 01 42 68 53 01, SAV 09 69 32 15 15.', 'FR')).toEqual(['01 42 68 53 00', '01 42 68 53 01', '09 69 32 15 15']);
  });

  it('takes the phone countries from the deployment region: Frankfurt serves Germany, Austria and Switzerland', () => {
    expect(phoneCountriesForRegion('eu-central-1')).toEqual(['DE', 'AT', 'CH']);
    expect(phoneCountriesForRegion('eu-west-2')).toEqual(['GB', 'IE']);
    expect(phoneCountriesForRegion('us-east-1')).toEqual(['US']);
    expect(phoneCountriesForRegion('xx-nowhere-1')).toEqual([]);
  });

  it('finds the national numbers of every country of the region, each once', () => {
    const text = 'Wien 01 53115 2000, Berlin (030) 1234 5678, Zürich 044 668 18 00, mobil 0664 1234567.';
    expect(phones(text, ...phoneCountriesForRegion('eu-central-1'))).toEqual(['01 53115 2000', '(030) 1234 5678', '044 668 18 00', '0664 1234567']);
    expect(phones(text, 'DE')).not.toContain('01 53115 2000');
    expect(phones('Graz 0316 8729000.', ...phoneCountriesForRegion('eu-central-1'))).toEqual(['0316 8729000']);
    expect(phones('Graz 0316 8729000.', ...phoneCountriesForRegion('eu-west-1'))).toEqual([]);
  });

  it('finds national id numbers', () => {
    expect(kinds('SSN 123-45-6789; NI number AB 12 34 56 C.')).toEqual([['national_id', '123-45-6789'], ['national_id', 'AB 12 34 56 C']]);
    expect(kinds('SSN 000-12-3456').filter(([kind]) => kind === 'national_id')).toEqual([]);
  });

  it('counts by kind and masks without moving any offset', () => {
    const text = 'Mail a@b.io, call +1 415 555 0100, card 5500 0000 0000 0004.';
    const findings = findPersonalData(text, { phoneCountries: ['US'] });
    expect(countPersonalData(findings)).toEqual({ email: 1, phone: 1, card: 1 });
    const masked = maskPersonalData(text, findings);
    expect(masked).toHaveLength(text.length);
    expect(masked).toBe('Mail ••••••, call •••••••••••••••, card •••••••••••••••••••.');
  });

  it('stays linear on large inputs', async () => {
    const text = (n: number) => 'Plain words and numbers 12 345 and dates 2024-01-01. '.repeat(n);
    const findings = await expectLinearTime('plain text', text, (t) => findPersonalData(t, { phoneCountries: ['DE', 'AT', 'CH'] }), 2_000);
    expect(findings).toEqual([]);
  }, LINEAR_TIME_TEST_TIMEOUT_MS);

  it('stays linear on one long line of reference numbers, each of which it checks for a hex dump line', async () => {
    const text = (n: number) => 'ref 48213907 and '.repeat(n);
    const findings = await expectLinearTime('one line of numbers', text, (t) => findPersonalData(t, { phoneCountries: ['DE', 'AT', 'CH'] }), 250);
    expect(findings).toEqual([]);
  }, LINEAR_TIME_TEST_TIMEOUT_MS);

  it('finds in a varied corpus exactly what the per-line, per-number checks it replaced found', () => {
    // personal-data-findings.json holds what findPersonalData found in this corpus before it was made linear (commit d4ce0fe).
    const found = personalDataCorpus().map((text) => CORPUS_COUNTRIES.map((phoneCountries) =>
      findPersonalData(text, { phoneCountries }).map((f) => `${f.kind} ${f.start}-${f.end}`).join(', ')));
    expect(found).toEqual(expectedCorpusFindings);
  });

  it('judges a run of digits that crosses a line break by both lines together, as a hex dump or not', () => {
    // Seven hex groups above, one below: together a hex dump, each line on its own not.
    expect(phones('ab cd ef aa 12 34 56\n0664 1234567', 'AT')).toEqual([]);
    expect(phones('ab cd ef aa 12 34 56;\n0664 1234567', 'AT')).toEqual(['0664 1234567']);
    // An offset, then a space and the line break: a hex dump line's offset only when read with the next line.
    expect(phones('0000 \n25 50 44 46 30 31 32 33 (0664) 1234567', 'AT')).toEqual([]);
    expect(phones('0000 ;\n25 50 44 46 30 31 32 33 (0664) 1234567', 'AT')).toEqual(['(0664) 1234567']);
  });

  it('stays linear on many findings, each checked against those found before it', async () => {
    const text = (n: number) => 'Mail a@b.io, card 4111 1111 1111 1111. '.repeat(n);
    const findings = await expectLinearTime('many findings', text, (t) => findPersonalData(t), 500);
    expect(countPersonalData(findings)).toEqual({ email: 8_000, card: 8_000 });
  }, LINEAR_TIME_TEST_TIMEOUT_MS);
});
