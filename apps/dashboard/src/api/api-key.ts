const STORAGE_KEY = 'newscell.apiKey';

/** The API key typed into the page; kept for the browser tab only (sessionStorage). */
export function readApiKey(): string {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

export function storeApiKey(key: string): void {
  try {
    if (key === '') sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Storage disabled (private mode): the key then lives until the page reloads.
  }
}
