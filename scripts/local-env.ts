/**
 * The environment the local stack's processes run with. It is built from an allowlist, not copied
 * from the user's shell: a shell set up for production (TEMPORAL_API_KEY, TEMPORAL_TLS_*, a
 * TEMPORAL_ADDRESS or MONGODB_URI of a real cluster, a LINE token, proxies) must not reach the local
 * servers, the worker or the API, which would then try TLS against the dev server or send real
 * credentials to a stand-in.
 */

/** Variables a process needs to run at all (find programs, a home, a temp dir, a locale, a zone). */
const INHERITED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'TERM', 'TZ', 'NODE_OPTIONS'];
/** Locale variables (LANG, LANGUAGE, LC_ALL, LC_CTYPE, ...) and colour switches are harmless too. */
const INHERITED_PATTERN = /^(LANG|LANGUAGE|LC_[A-Z_]+|NO_COLOR|FORCE_COLOR)$/;

/**
 * An environment holding only the harmless variables of `parent` (see {@link INHERITED}) plus
 * `vars`, which the caller sets for the local stack.
 */
export function localEnv(
  vars: Record<string, string> = {},
  parent: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && (INHERITED.includes(name) || INHERITED_PATTERN.test(name))) env[name] = value;
  }
  return { ...env, ...vars };
}
