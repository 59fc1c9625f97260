/**
 * An answer the API gave as `{ error: { code, message } }`, or a failure to reach it at all
 * (`code` NETWORK). The message is the API's own, written for a person.
 */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  /** The route does not exist on this API (an older server, or a feature not built yet). */
  get routeMissing(): boolean {
    return this.status === 404 && this.code === 'NOT_FOUND';
  }
}

/** Words for any error a panel shows: the API's code and message, else the error's message. */
export function describeError(error: unknown): string {
  if (error instanceof ApiRequestError) {
    if (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN')
      return `${error.message} (${error.code}: enter an API key above${error.code === 'FORBIDDEN' ? ' with admin rights' : ''})`;
    return `${error.message} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export async function errorFromResponse(response: Response): Promise<ApiRequestError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string' && typeof body.error.message === 'string')
      return new ApiRequestError(response.status, body.error.code, body.error.message);
  } catch {
    // Not the API's envelope (a proxy's error page): fall through to the status line.
  }
  return new ApiRequestError(
    response.status,
    `HTTP_${response.status}`,
    `the server answered ${response.status} ${response.statusText}${text === '' ? '' : `: ${text.slice(0, 200)}`}`,
  );
}
