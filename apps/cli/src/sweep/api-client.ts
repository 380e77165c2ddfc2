/**
 * A small client of Ablate's REST API for the CLI: JSON in and out, the API key as a bearer
 * token, and the server's own message on an error (the API names offending fields in 4xx bodies).
 */

/** Where the API is and how to authenticate. */
export interface ApiTarget {
  /** Base URL. `--api`, else env `ABLATE_API_URL`. @defaultValue 'http://127.0.0.1:3000' */
  url: string;
  /** API key. `--key`, else env `ABLATE_API_KEY`. */
  key?: string;
}

/** The API answered with an error status; `status` is the HTTP status, the message the server's. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function apiTarget(options: { api?: string; key?: string }, env: NodeJS.ProcessEnv = process.env): ApiTarget {
  return { url: (options.api ?? env.ABLATE_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''), key: options.key ?? env.ABLATE_API_KEY };
}

function messageOf(status: number, body: string): string {
  try {
    const json = JSON.parse(body) as { message?: unknown; issues?: { path: string; message: string }[] };
    if (Array.isArray(json.issues) && json.issues.length > 0) return json.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    if (Array.isArray(json.message)) return json.message.join('\n');
    if (typeof json.message === 'string') return json.message;
  } catch {
    // not JSON: fall through to the raw body
  }
  return body.trim() || `HTTP ${status}`;
}

/** Sends a request; resolves to the parsed JSON (or text, for non-JSON answers); rejects with ApiError. */
export async function apiRequest<T>(target: ApiTarget, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        ...(target.key ? { authorization: `Bearer ${target.key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (err) {
    throw new ApiError(0, `cannot reach the API at ${target.url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, `${method} ${path}: ${res.status} ${messageOf(res.status, text)}`);
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? JSON.parse(text) : text) as T;
}
