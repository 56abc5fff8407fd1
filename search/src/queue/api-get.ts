/** A Frontier API that a worker fetches models and datasets from, and its read token. */
export interface ApiAccess {
  /** The server's base URL, e.g. `http://host:4000`. */
  readonly apiUrl: string;
  readonly token?: string;
}

/**
 * `GET path` on the API with the read token; throws naming the URL and the answer when it is not
 * 2xx (with the API's own message when it sent one).
 */
export async function apiGet(api: ApiAccess, path: string): Promise<{ readonly url: URL; readonly response: Response }> {
  const url = new URL(path, api.apiUrl);
  const response = await fetch(url, api.token ? { headers: { authorization: `Bearer ${api.token}` } } : {});
  if (!response.ok) {
    const said = await apiMessage(response);
    throw new Error(`GET ${url.href} answered ${response.status} ${response.statusText}${said ? `: ${said}` : ''}`);
  }
  return { url, response };
}

/** The message of the API's JSON error body (`{ errors: [{ message }] }`), if that is what came. */
async function apiMessage(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { errors?: { message?: unknown }[] };
    const message = body.errors?.[0]?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
