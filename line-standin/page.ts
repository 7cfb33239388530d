/** The stand-in's inbox page: every accepted push, newest first, with its messages rendered readably. */
import type { RecordedPush } from './state.js';

type Obj = Record<string, unknown>;

const esc = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Every string under `value` with key `text` or `label`, in order: a readable flattening of flex and templates. */
function texts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => texts(v, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'text' || k === 'label' || k === 'title') && typeof v === 'string') out.push(v);
      else if (typeof v === 'object') texts(v, out);
    }
  }
  return out;
}

function renderMessage(m: Obj): string {
  const replies = ((m['quickReply'] as Obj | undefined)?.['items'] as Obj[] | undefined) ?? [];
  const chips = replies.map(
    (i) => `<span class="chip">${esc((i['action'] as Obj | undefined)?.['label'] ?? '')}</span>`,
  );
  let body: string;
  switch (m['type']) {
    case 'text':
    case 'textV2':
      body = `<div class="bubble">${esc(m['text'])}</div>`;
      break;
    case 'image':
      body = `<img src="${esc(m['previewImageUrl'])}" alt="image" loading="lazy">`;
      break;
    case 'sticker':
      body = `<div class="meta">sticker ${esc(m['packageId'])}/${esc(m['stickerId'])}</div>`;
      break;
    default:
      body =
        `<div class="meta">${esc(m['type'])}: ${esc(m['altText'] ?? '')}</div>` +
        `<div class="bubble">${texts(m['contents'] ?? m['template'] ?? m)
          .map(esc)
          .join('<br>')}</div>`;
  }
  return `<div class="msg">${body}${chips.length > 0 ? `<div>${chips.join(' ')}</div>` : ''}</div>`;
}

/** The HTML page; `extra` (HTML) goes after the messages (the users' rich menus). */
export function inboxPage(pushes: readonly RecordedPush[], extra = ''): string {
  const items = [...pushes]
    .reverse()
    .map(
      (p) => `<section><h2>${esc(p.to)}</h2><p class="meta">${esc(p.receivedAt)} · request ${esc(p.requestId)}${
        p.retryKey ? ` · retry key ${esc(p.retryKey)}` : ''
      }</p>${p.messages.map((m) => renderMessage(m as Obj)).join('')}
<details><summary>JSON</summary><pre>${esc(JSON.stringify(p.messages, null, 2))}</pre></details></section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>LINE stand-in: messages</title>
<meta http-equiv="refresh" content="5">
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;background:#8cabd9}
section{background:#fff;border-radius:.6rem;padding:.8rem 1rem;margin:1rem 0}h2{font-size:1rem;margin:0}
.meta{color:#666;font-size:.8rem}.bubble{background:#e8f5e0;border-radius:1rem;padding:.5rem .8rem;margin:.4rem 0;white-space:pre-wrap;display:inline-block}
.chip{display:inline-block;border:1px solid #06c755;color:#06c755;border-radius:1rem;padding:.1rem .6rem;font-size:.85rem}
img{max-width:12rem;border-radius:.5rem}</style></head>
<body><h1>LINE stand-in</h1><p>${pushes.length} push(es) accepted.</p>${items || '<p>No messages yet.</p>'}${extra}</body></html>`;
}
