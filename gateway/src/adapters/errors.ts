import createError from '@fastify/error';

/** The catalogue of thrown errors, with stable codes that tests and clients rely on. */
export const Errors = {
  Unauthenticated: createError('ERR_UNAUTHENTICATED', 'login required', 401),
  BadCredentials: createError('ERR_BAD_CREDENTIALS', 'wrong username or password', 401),
  Forbidden: createError('ERR_FORBIDDEN', 'role %s may not %s', 403),
  SiteForbidden: createError('ERR_SITE_FORBIDDEN', 'no access to site %s', 403),
  UnknownSite: createError('ERR_UNKNOWN_SITE', 'unknown site %s', 404),
  UnknownGate: createError('ERR_UNKNOWN_GATE', 'unknown gate or lane %s', 404),
  NotFound: createError('ERR_NOT_FOUND', '%s not found', 404),
  Conflict: createError('ERR_CONFLICT', '%s', 409),
  BadRequest: createError('ERR_BAD_REQUEST', '%s', 400),
  BadSignature: createError('ERR_BAD_SIGNATURE', 'payment callback signature is invalid: %s', 401),
  NotConfigured: createError('ERR_NOT_CONFIGURED', '%s is not configured', 503),
  LedgerUnavailable: createError('ERR_LEDGER_UNAVAILABLE', '%s', 503),
};
