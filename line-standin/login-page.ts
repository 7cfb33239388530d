/**
 * The stand-in's LINE Login consent page: instead of LINE's login, a test user picks which LINE user
 * they are, ticks "add friend" (shown when the request carries `bot_prompt`) and allows or cancels.
 * The form posts back to the authorize path, which tests can also call directly.
 */

const esc = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The authorize request's parameters carried through the form. */
export const CARRIED_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'scope',
  'nonce',
  'bot_prompt',
  'prompt',
  'code_challenge',
  'code_challenge_method',
  'ui_locales',
] as const;

/** The consent page for an authorize request. */
export function consentPage(params: Record<string, string>, users: Record<string, string>): string {
  const hidden = CARRIED_PARAMS.filter((k) => params[k] !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${esc(params[k])}">`)
    .join('\n');
  const options = Object.entries(users)
    .map(([id, name]) => `<option value="${esc(id)}">${esc(name)} (${esc(id)})</option>`)
    .join('\n');
  const friendBox = params['bot_prompt']
    ? '<label><input type="checkbox" name="add_friend" value="true" checked> Add the LINE Official Account as a friend</label>'
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LINE Login (stand-in)</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto}label{display:block;margin:.8rem 0}
button{padding:.5rem 1.2rem;margin-right:.5rem}.ok{background:#06c755;color:#fff;border:0}</style></head><body>
<h1>LINE Login</h1><p>Stand-in consent screen for channel ${esc(params['client_id'])}.</p>
<form method="post" action="/oauth2/v2.1/authorize">
${hidden}
<label>LINE user <select name="user_id">${options}</select></label>
<label>or another user id <input name="other_user_id" pattern="U[0-9a-f]{32}" placeholder="U…"></label>
${friendBox}
<button class="ok" name="decision" value="allow">Allow</button>
<button name="decision" value="cancel">Cancel</button>
</form></body></html>`;
}

/** The page LINE shows when the request cannot come back to the client (unknown channel or redirect URI). */
export function authorizeErrorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LINE Login error</title></head>
<body><h1>400 Bad Request</h1><p>${esc(message)}</p></body></html>`;
}
