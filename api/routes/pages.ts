/**
 * The small pages a person sees at the end of a route: the thank-you page that opens the chat, and a
 * clear page for each way a login can fail. Japanese or English by `Accept-Language`.
 */

/** What the person is told. */
export type PageKind =
  | 'thanks'
  | 'denied'
  | 'expired'
  | 'invalid'
  | 'used'
  | 'refused'
  | 'unavailable'
  | 'route-not-found'
  | 'not-configured';

type Lang = 'ja' | 'en';

const TEXT: Record<PageKind, Record<Lang, { title: string; body: string }>> = {
  thanks: {
    ja: { title: 'ありがとうございます', body: '友だち追加ありがとうございます。トークでお得な情報をお届けします。' },
    en: { title: 'Thank you', body: 'Thanks for adding us as a friend. News and offers will arrive in the chat.' },
  },
  denied: {
    ja: {
      title: 'ログインがキャンセルされました',
      body: 'LINE ログインがキャンセルされたため、何も登録されていません。',
    },
    en: { title: 'Login cancelled', body: 'LINE Login was cancelled, so nothing was linked.' },
  },
  expired: {
    ja: { title: 'リンクの有効期限が切れました', body: 'もう一度 QR コードを読み取るか、リンクを開き直してください。' },
    en: { title: 'This link has expired', body: 'Scan the QR code or open the link again.' },
  },
  invalid: {
    ja: { title: 'リンクが正しくありません', body: 'QR コードを読み取るか、リンクを開き直してください。' },
    en: { title: 'This link is not valid', body: 'Scan the QR code or open the link again.' },
  },
  used: {
    ja: { title: 'このリンクは使用済みです', body: 'もう一度 QR コードを読み取るか、リンクを開き直してください。' },
    en: { title: 'This link was already used', body: 'Scan the QR code or open the link again.' },
  },
  refused: {
    ja: {
      title: 'ログインを確認できませんでした',
      body: 'LINE ログインを確認できなかったため、何も登録されていません。',
    },
    en: { title: 'The login could not be checked', body: 'LINE Login could not be confirmed, so nothing was linked.' },
  },
  unavailable: {
    ja: { title: '一時的に利用できません', body: 'しばらくしてからもう一度お試しください。' },
    en: { title: 'Temporarily unavailable', body: 'Please try again in a moment.' },
  },
  'route-not-found': {
    ja: { title: 'ページが見つかりません', body: 'この QR コードやリンクは現在使われていません。' },
    en: { title: 'Page not found', body: 'This QR code or link is not in use.' },
  },
  'not-configured': {
    ja: { title: '準備中です', body: 'LINE ログインが設定されていません。' },
    en: { title: 'Not available yet', body: 'LINE Login is not configured.' },
  },
};

const CHAT_LABEL: Record<Lang, string> = { ja: 'LINE のトークを開く', en: 'Open the chat in LINE' };

const esc = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `ja` when Japanese is preferred over English in `Accept-Language`, else `en`. */
export function pageLanguage(acceptLanguage: string | undefined): Lang {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .filter((l) => l.tag.startsWith('ja') || l.tag.startsWith('en'))
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.tag.startsWith('ja') ? 'ja' : 'en';
}

/** The page's HTML; `chatUrl` adds the button that opens the chat. */
export function routePage(kind: PageKind, lang: Lang, chatUrl?: string): string {
  const { title, body } = TEXT[kind][lang];
  const button = chatUrl ? `<p><a class="chat" href="${esc(chatUrl)}">${CHAT_LABEL[lang]}</a></p>` : '';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;text-align:center}
.chat{display:inline-block;background:#06c755;color:#fff;padding:.7rem 1.4rem;border-radius:.4rem;text-decoration:none}</style>
</head><body data-page="${kind}"><h1>${title}</h1><p>${body}</p>${button}</body></html>`;
}
