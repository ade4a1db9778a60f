// The one error type services throw, and the registry of stable codes.
// http/problem.ts turns these into application/problem+json.

export const ERRORS = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  bad_request: { status: 400, title: 'Bad request' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'E-mail or password is wrong' },
  forbidden: { status: 403, title: 'Not allowed' },
  csrf_failed: { status: 403, title: 'CSRF token missing or wrong' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  already_exists: { status: 409, title: 'Already exists' },
  calendar_in_use: { status: 409, title: 'The calendar is the default one or is in use' },
  idempotency_in_progress: { status: 409, title: 'A request with this Idempotency-Key is still running' },
  version_conflict: { status: 412, title: 'The resource changed since you read it' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'Idempotency-Key was used with a different request' },
  invalid_state: { status: 422, title: 'Not possible in the current state' },
  due_in_past: { status: 422, title: 'The due time has already passed' },
  account_locked: { status: 423, title: 'Account temporarily locked' },
  precondition_required: { status: 428, title: 'If-Match header or version is required' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra?: Record<string, unknown>;
  constructor(code: ErrorCode, detail?: string, extra?: Record<string, unknown>) {
    super(detail ?? ERRORS[code].title);
    this.code = code;
    this.status = ERRORS[code].status;
    this.extra = extra;
  }
}

export const notFound = (what = 'resource') => new AppError('not_found', `${what} not found`);
