/** An error the API answers with a status and `{ "error": { "code", "message" } }`. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: unknown;
  constructor(statusCode: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

/** A message in both languages, zh-CN first. */
export interface Bilingual {
  zh: string;
  en: string;
}

/**
 * An HttpError told in the request's language, as the upload errors are: the message in `lang`, both texts in
 * `details.zh` / `details.en` (with any `extra` details beside them).
 */
export function bilingualError(
  lang: 'zh' | 'en',
  statusCode: number,
  code: string,
  text: Bilingual,
  extra: Record<string, unknown> = {},
): HttpError {
  return new HttpError(statusCode, code, lang === 'en' ? text.en : text.zh, {
    zh: text.zh,
    en: text.en,
    ...extra,
  });
}
