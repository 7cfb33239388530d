/** The small HTML pages of the unsubscribe flow, in Japanese and English. Every value is escaped. */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CHANNEL_JA = { email: 'メール', line: 'LINE メッセージ' } as const;
const CHANNEL_EN = { email: 'emails', line: 'LINE messages' } as const;

function page(shopName: string, title: string, body: string): string {
  const shop = escapeHtml(shopName);
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} | ${shop}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222;line-height:1.6}
h1{font-size:1.3rem}p.en{color:#555}button{font-size:1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:1px solid #444;background:#fff;cursor:pointer}
.code{font-family:monospace;color:#888;font-size:.85rem}</style></head>
<body><p><strong>${shop}</strong></p>${body}</body></html>`;
}

/** The confirmation page: one button that posts the RFC 8058 one-click body to the same URL. */
export function confirmPage(shopName: string, channel: 'email' | 'line'): string {
  return page(
    shopName,
    '配信停止 / Unsubscribe',
    `<h1>配信停止の確認 / Unsubscribe</h1>
<p>${escapeHtml(shopName)} からの${CHANNEL_JA[channel]}の配信を停止しますか？</p>
<p class="en">Stop receiving ${CHANNEL_EN[channel]} from ${escapeHtml(shopName)}?</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">配信を停止する / Unsubscribe</button></form>`,
  );
}

/** The page after unsubscribing (also answered to one-click POSTs from mail clients). */
export function donePage(shopName: string, channel: 'email' | 'line'): string {
  return page(
    shopName,
    '配信を停止しました / Unsubscribed',
    `<h1>配信を停止しました / You are unsubscribed</h1>
<p>${escapeHtml(shopName)} からの${CHANNEL_JA[channel]}は今後お送りしません。</p>
<p class="en">You will not receive ${CHANNEL_EN[channel]} from ${escapeHtml(shopName)} any more.</p>`,
  );
}

/** The page for a link that is not valid; `code` is the machine-readable reason. */
export function invalidPage(shopName: string, code: string): string {
  return page(
    shopName,
    '無効なリンク / Invalid link',
    `<h1>このリンクは無効です / This link is not valid</h1>
<p>配信停止リンクが正しくないか、途中で切れています。メールのリンクをもう一度開いてください。</p>
<p class="en">The unsubscribe link is wrong or incomplete. Please open the link in the message again.</p>
<p class="code">${escapeHtml(code)}</p>`,
  );
}
