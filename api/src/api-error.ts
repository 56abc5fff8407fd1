/** Public codes of the server's own errors (configuration, start-up). */
export type ApiErrorCode = 'BAD_TOKENS' | 'INSECURE_BIND' | 'BAD_OPTION';

/** The root error of `@frontier/api`; messages name the option and the bad value. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}
