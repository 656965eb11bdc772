/** An API failure as the server reports it: `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

// Sent as Accept-Language: the server words its messages (a wrong password, a refused upload) in the language
// the dashboard shows, which need not be the browser's.
let language = 'zh-CN';
/** The language of the server's messages from now on. */
export function setApiLanguage(lang: 'zh' | 'en'): void {
  language = lang === 'en' ? 'en' : 'zh-CN';
}

let onUnauthenticated: () => void = () => {};
/** Called when any request answers 401 (the session ended): the app shows the login page. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

function errorOf(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error !== undefined)
      return new ApiError(status, body.error.code ?? 'error', body.error.message ?? text, body.error.details);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, 'http_error', `HTTP ${status}`);
}

/** Calls the API with the session cookie; JSON in and out; throws ApiError on a non-2xx answer. */
export async function api<T>(
  path: string,
  init: { method?: string; json?: unknown; yaml?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': language };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.yaml !== undefined) {
    headers['content-type'] = 'application/yaml';
    body = init.yaml;
  }
  const res = await fetch(path, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body }),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  const text = await res.text();
  if (!res.ok) {
    if (res.status === 401 && !path.endsWith('/auth/login')) onUnauthenticated();
    throw errorOf(res.status, text);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Sends a body with XMLHttpRequest so upload progress (0..1) can be shown; resolves with the JSON answer. */
export function sendWithProgress<T>(
  method: string,
  path: string,
  body: FormData | string,
  contentType: string | undefined,
  onProgress: (fraction: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept-language', language);
    if (contentType !== undefined) xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      onProgress(1);
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve((xhr.responseText === '' ? undefined : JSON.parse(xhr.responseText)) as T);
      } else {
        if (xhr.status === 401) onUnauthenticated();
        reject(errorOf(xhr.status, xhr.responseText));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.send(body);
  });
}
