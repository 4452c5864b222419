// Shared input schemas: every message names what is wrong so that users can fix it.
import { z } from 'zod';

export const ZId = z.string().min(1, 'must not be empty').max(64, 'is too long');

export const ZIdempotencyKey = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters')
  .optional();

const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB']);
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  try {
    return regionNames.of(code) !== code;
  } catch {
    return false;
  }
}

export const ZCountryCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code such as DE or US');

/** Jurisdiction tags that sites carry and endpoints require. */
export const JURISDICTIONS = [
  'EU',
  'EEA',
  'GDPR',
  'UK',
  'CH',
  'US',
  'HIPAA',
  'CA',
  'BR',
  'JP',
  'KR',
  'SG',
  'IN',
  'AU',
  'AE',
  'SA',
  'ZA',
] as const;

export const ZJurisdiction = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(z.enum(JURISDICTIONS, `must be one of ${JURISDICTIONS.join(', ')}`));

export const ZJurisdictionSet = z
  .array(ZJurisdiction)
  .min(1, 'must name at least one jurisdiction')
  .max(JURISDICTIONS.length)
  .transform((tags) => [...new Set(tags)]);

export const ZMicros = z
  .number()
  .int('must be a whole number of micro-units')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER);
