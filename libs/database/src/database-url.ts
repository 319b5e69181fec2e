/** The same server and database as `url`, logging in as another role. */
export function withCredentials(url: string, user: string, password: string): string {
  const target = new URL(url);
  target.username = encodeURIComponent(user);
  target.password = encodeURIComponent(password);
  // A URL without a host (a Unix socket given as ?host=…) cannot carry a user name,
  // and query parameters would override the one it carries.
  if (!target.username || target.searchParams.has('user')) {
    target.searchParams.set('user', user);
    target.searchParams.set('password', password);
  }
  return target.toString();
}

/** The same server and credentials as `url`, in another database. */
export function withDatabase(url: string, database: string): string {
  const target = new URL(url);
  target.pathname = `/${encodeURIComponent(database)}`;
  return target.toString();
}
