/*!
 * madoguchi（窓口）FAQ chat widget — embeddable, dependency-free, no build step.
 *
 *   <script src="https://HOST/widget.js" data-tenant="990001" defer></script>
 *
 * The API is expected next to this file (directory of its src). Optional data-api="URL"
 * on the script tag (or on a hand-placed <madoguchi-widget>) overrides that base.
 *
 * Safety rules kept throughout:
 *  - Server text (questions, answers, messages, contact details) only ever reaches the page
 *    as text nodes / textContent. There is no innerHTML anywhere in this file.
 *  - Links are made only from http(s) URLs (safeUrl); tel: links only from digits.
 *  - The theme colour is accepted only as #rgb / #rrggbb.
 */
(() => {
  'use strict';

  const TAG = 'madoguchi-widget';
  // Too old a browser, or the script was included twice: do nothing.
  if (!window.customElements || !window.fetch || customElements.get(TAG)) return;

  // document.currentScript is only set while this file first runs, so capture it now.
  const SCRIPT = document.currentScript || document.querySelector('script[src*="widget.js"][data-tenant]');
  const attr = (n) => (SCRIPT && SCRIPT.getAttribute(n)) || '';
  const SCRIPT_TENANT = attr('data-tenant');
  const SCRIPT_API = attr('data-api');
  const SCRIPT_BASE = resolve(SCRIPT_API || './', SCRIPT && SCRIPT.src);

  function resolve(rel, from) {
    try { return new URL(rel, from || location.href).href; } catch (_) { return location.origin + '/'; }
  }

  // Random session id, one per page load, sent with every question.
  const SESSION = (() => {
    const b = new Uint8Array(16);
    try { crypto.getRandomValues(b); } catch (_) { b.forEach((_, i) => { b[i] = Math.random() * 256; }); }
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  })();

  // UI strings. Where the server sends a (Japanese) message, it is preferred.
  const T = {
    launcher: '質問する',
    launcherName: '質問する（よくある質問に答えるチャットを開く）',
    title: 'よくある質問',
    close: '閉じる',
    closeName: 'チャットを閉じる',
    label: '質問を入力',
    hint: 'Enterで送信／Shift+Enterで改行',
    placeholder: '例：児童手当の申請はどこでできますか？',
    send: '送信',
    you: 'あなたの質問：',
    busy: '回答を探しています',
    greeting: 'こんにちは。よくある質問にお答えします。',
    privacy: '※ 氏名・住所・マイナンバーなどの個人情報は入力しないでください。',
    starters: 'よくある質問の例',
    suggest: '次のご質問の中に、お探しのものはありますか？',
    abstain: '申し訳ありません。このご質問にお答えできる情報が見つかりませんでした。',
    related: '関連する質問',
    source: '出典：',
    reviewed: '確認日：',
    newWindow: '新しいウィンドウで開きます',
    solved: '解決しましたか？',
    thanks: 'ご回答ありがとうございました',
    fbFailed: '※ 通信エラーのため、評価を送信できませんでした。',
    contactLead: 'お手数ですが、次の窓口へお問い合わせください。',
    contactHead: 'お問い合わせ先',
    contactNone: 'お住まいの市区町村の担当窓口にお問い合わせください。',
    empty: '質問を入力してください。',
    tooLong: '質問が長すぎます。短くまとめて、もう一度お試しください。',
    rate: (s) => `質問が続いたため、一時的に受付を制限しています。${s ? s + '秒ほど' : 'しばらく'}待ってから、もう一度お試しください。`,
    timeout: '応答に時間がかかっています。しばらくしてから、もう一度お試しください。',
    network: '通信できませんでした。インターネット接続を確認して、もう一度お試しください。',
    notFound: 'この質問の回答を表示できませんでした。',
    generic: '申し訳ありません。ただいま回答できません。時間をおいて、もう一度お試しください。',
  };

  // ---------------------------------------------------------------- helpers

  /**
   * Build an element. Children that are strings become text nodes (never HTML).
   * attrs: text → textContent, tid → both part= and data-testid= (styling/test hooks),
   * onX → event listener, null/false → skipped.
   */
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'text') el.textContent = v;
      else if (k === 'tid') { el.setAttribute('part', v); el.setAttribute('data-testid', v); }
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of kids.flat(9)) if (c != null && c !== false && c !== '') el.append(c);
    return el;
  }

  const str = (v) => (typeof v === 'string' ? v.trim() : '');

  /** Only absolute http(s) URLs become links. */
  function safeUrl(u) {
    u = str(u);
    if (!/^https?:\/\//i.test(u)) return null;
    try { return new URL(u).href; } catch (_) { return null; }
  }

  /** "0000-00-0000（架空）" → "tel:0000000000"; null when there is no usable number. */
  function telHref(phone) {
    const d = str(phone).normalize('NFKC').replace(/[^\d+]/g, '');
    return /^\+?\d{3,}$/.test(d) ? 'tel:' + d : null;
  }

  /** "2026-11-23" → "2026年11月23日"; anything else is shown as is. */
  function formatDate(v) {
    const m = /^(\d{4})-(\d\d?)-(\d\d?)/.exec(str(v));
    return m ? `${m[1]}年${+m[2]}月${+m[3]}日` : str(v);
  }

  /** Paragraphs split on blank lines, each set via textContent; single line breaks are kept by CSS (pre-line). */
  const paragraphs = (text) => str(text).split(/\n\s*\n/).map(str).filter(Boolean).map((p) => h('p', { text: p }));

  // Theme colour → CSS variables that keep text contrast ≥ 4.5:1 (WCAG 2.1 AA) for any tenant colour.
  const rgb = (hex) => {
    const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(str(hex));
    const s = m && (m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1]);
    return s && [0, 2, 4].map((i) => parseInt(s.substr(i, 2), 16));
  };
  const lum = (c) => c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const hex = (c) => '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  function themeVars(color) {
    const c = rgb(color) || rgb('#1f6f8b');
    const white = [255, 255, 255];
    let accent = c; // text colour on white / light grey: darken until readable
    for (let i = 0; i < 40 && contrast(accent, [238, 241, 243]) < 4.6; i++) accent = accent.map((v) => v * 0.9);
    return {
      '--mw-theme': hex(c), // launcher, header, send button, resident bubbles
      '--mw-on-theme': contrast(c, white) >= 4.5 ? '#fff' : '#111',
      '--mw-accent': hex(accent),
    };
  }

  const smooth = () => (window.matchMedia && matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth');

  // ---------------------------------------------------------------- styles
  // Scoped to the shadow root. :host resets inherited page styles; font-size: medium follows
  // the resident's browser setting and everything else is in em. Touch targets are ≥ 44px.
  const CSS = `
:host{all:initial;font:medium/1.7 "Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans JP","BIZ UDPGothic","Yu Gothic UI",Meiryo,sans-serif;color:#1a1a1a;
--mw-theme:#1f6f8b;--mw-on-theme:#fff;--mw-accent:#1f6f8b;--grey:#4a5156;--line:#d0d6d9;--tint:#eef1f3}
*{box-sizing:border-box}
[hidden]{display:none!important}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
button,textarea{font:inherit;color:inherit;cursor:pointer}
:focus:not(:focus-visible){outline:none}
:focus-visible{outline:3px solid #111;outline-offset:2px;box-shadow:0 0 0 2px #fff}
p{margin:0 0 .6em}p:last-child{margin:0}
a{color:var(--mw-accent);text-underline-offset:.15em;overflow-wrap:anywhere}
a:hover{text-decoration-thickness:2px}
a[target]::after{content:"\\2197"/"";margin-left:.15em}
.tap{display:inline-block;min-height:44px;padding:.6em 0}
.launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;align-items:center;gap:.5em;min-height:56px;padding:0 1.25em;border:2px solid #fff;border-radius:28px;background:var(--mw-theme);color:var(--mw-on-theme);font-weight:700;font-size:1.05em;box-shadow:0 4px 14px #0005}
.launcher:hover{filter:brightness(1.1)}
svg{width:1.4em;height:1.4em;fill:currentColor}
.panel{position:fixed;right:16px;bottom:88px;z-index:2147483001;display:flex;flex-direction:column;width:400px;max-width:calc(100vw - 32px);height:640px;max-height:calc(100vh - 112px);background:#fff;border:1px solid #b9c0c4;border-radius:12px;box-shadow:0 10px 40px #0005;overflow:hidden;animation:mw-in .18s ease-out}
@keyframes mw-in{from{opacity:0;transform:translateY(12px)}}
.head{display:flex;align-items:center;gap:.5em;padding:.375em .375em .375em 1em;background:var(--mw-theme);color:var(--mw-on-theme)}
h2{flex:1;margin:0;font-size:1.05em;line-height:1.4}
.close{min-width:44px;min-height:44px;padding:0 .625em;border:0;border-radius:8px;background:none}
.close:hover{background:#8884}
.log{flex:1;position:relative;overflow-y:auto;overscroll-behavior:contain;padding:1em;background:#f5f7f8}
ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.75em}
.chips{margin-top:.5em;gap:.5em}
.user{align-self:flex-end;max-width:85%;padding:.5em .9em;border-radius:14px 14px 4px;background:var(--mw-theme);color:var(--mw-on-theme);overflow-wrap:anywhere;white-space:pre-line}
.bubble,.card{padding:.75em 1em;border:1px solid var(--line);border-radius:4px 14px 14px;background:#fff;overflow-wrap:anywhere}
.error .bubble{border:1px solid #b3261e;border-left-width:4px}
h3{margin:0 0 .5em;font-size:1em;line-height:1.5;color:var(--mw-accent)}
.body p{white-space:pre-line}
.meta,.note,.sub{font-size:.875em;color:var(--grey)}
.meta{margin:.25em 0 0}
.sub{margin:.75em 0 0;font-weight:700}
.chip,.fb{min-height:44px;padding:.5em .9em;border:2px solid var(--mw-accent);border-radius:10px;background:#fff;color:var(--mw-accent);text-align:left;line-height:1.5}
.chip{width:100%}
.fb{min-width:72px;text-align:center;font-weight:700}
.chip:hover,.fb:hover{background:var(--tint);text-decoration:underline}
.fb:disabled,.send:disabled{opacity:.6;cursor:wait}
.feedback,.done{display:flex;flex-wrap:wrap;align-items:center;gap:.5em;margin-top:.75em;padding-top:.75em;border-top:1px solid var(--line)}
.done{display:block}
.feedback p,.thanks{margin:0 .5em 0 0;font-weight:700}
.contact{margin-top:.75em;padding:.75em;border-left:4px solid var(--mw-accent);border-radius:4px;background:var(--tint)}
h4{margin:0;font-size:1em}
dl{display:grid;grid-template-columns:auto 1fr;gap:0 .75em;align-items:center;margin:.25em 0 0}
dt{font-weight:700;font-size:.875em}
dd{margin:0;min-width:0}
.busy{padding:0 1em;font-size:.875em;color:var(--grey);background:#f5f7f8}
.busy:not(:empty){padding:.25em 1em .5em}
.busy i{display:inline-block;width:.35em;height:.35em;margin-left:.2em;border-radius:50%;background:currentColor;animation:mw-dot 1.2s infinite}
.busy i+i{animation-delay:.2s}.busy i+i+i{animation-delay:.4s}
@keyframes mw-dot{0%,80%,100%{opacity:.25}40%{opacity:1}}
form{display:flex;align-items:flex-end;gap:.5em;padding:.625em .75em .75em;border-top:1px solid var(--line)}
.field{flex:1;min-width:0}
.lab{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 .5em;margin-bottom:.25em;font-size:.875em}
label{font-weight:700}
.lab span{color:var(--grey)}
textarea{display:block;width:100%;min-height:48px;max-height:9em;padding:.55em .75em;border:2px solid #646c71;border-radius:8px;background:#fff;color:#1a1a1a;line-height:1.5;resize:none;cursor:text}
textarea::placeholder{color:#646c71;opacity:1}
.send{min-width:64px;min-height:48px;padding:0 1em;border:2px solid transparent;border-radius:8px;background:var(--mw-theme);color:var(--mw-on-theme);font-weight:700}
@media (max-width:480px),(max-height:520px){
.panel{inset:0;width:auto;max-width:none;height:auto;max-height:none;border:0;border-radius:0}
.open .launcher{display:none}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
`;

  // Decorative speech-bubble icon for the launcher (constant markup, no server data).
  const CHAT_ICON = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z';
  function icon() {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    const path = document.createElementNS(ns, 'path');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    path.setAttribute('d', CHAT_ICON);
    svg.append(path);
    return svg;
  }

  const FOCUSABLE = 'a[href],button:not([disabled]),textarea,[tabindex]:not([tabindex="-1"])';

  // ---------------------------------------------------------------- element

  class MadoguchiWidget extends HTMLElement {
    get tenant() { return this.getAttribute('data-tenant') || SCRIPT_TENANT; }
    get apiBase() { const a = this.getAttribute('data-api'); return a ? resolve(a) : SCRIPT_BASE; }

    connectedCallback() {
      if (this.shadowRoot) return; // already built (element moved in the DOM)
      if (!this.tenant) console.warn('[madoguchi] data-tenant がありません（例：data-tenant="990001"）');
      this._busy = false;
      this._seq = 0;
      this._config = null;
      this._build();
      this._configP = this._api('GET', `v1/tenants/${encodeURIComponent(this.tenant)}`).then((r) => {
        if (!r.ok) return console.warn('[madoguchi] 自治体の設定を読み込めませんでした', r.status, r.code);
        const c = (this._config = r.data);
        const vars = themeVars(c.theme_color);
        for (const k in vars) this._root.style.setProperty(k, vars[k]);
        if (str(c.name)) this._title.textContent = `${str(c.name)} ${T.title}`;
      });
    }

    // ------------------------------------------------------------ API

    /** fetch wrapper: resolves to {ok:true,data} or {ok:false,status,code,message,retryAfter}; never throws. */
    async _api(method, path, body) {
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(), 20000);
      try {
        const headers = { Accept: 'application/json' };
        if (body) headers['Content-Type'] = 'application/json';
        const res = await fetch(new URL(path, this.apiBase).href, {
          method, headers, body: body && JSON.stringify(body), mode: 'cors', credentials: 'omit', signal: ctrl.signal,
        });
        const data = await res.json().catch(() => null);
        if (res.ok && data && typeof data === 'object') return { ok: true, data };
        const err = (data && data.error) || {};
        return {
          ok: false, status: res.status, code: str(err.code) || (res.status === 429 ? 'rate_limited' : ''),
          message: str(err.message),
          // Readable cross-origin only if the server sends Access-Control-Expose-Headers: Retry-After.
          retryAfter: res.headers.get('Retry-After'),
        };
      } catch (e) {
        return { ok: false, status: 0, code: e.name === 'AbortError' ? 'timeout' : 'network', message: '' };
      } finally {
        clearTimeout(timer);
      }
    }

    /** A polite Japanese sentence for a failed call (the server's own message when it has one). */
    _errorText(r) {
      const s = parseInt(r.retryAfter, 10);
      return {
        rate_limited: T.rate(s > 0 && s < 3600 ? s : 0),
        empty_question: r.message || T.empty,
        question_too_long: r.message || T.tooLong,
        timeout: T.timeout,
        network: T.network,
        not_found: T.notFound,
      }[r.code] || (r.message ? `${T.generic}（${r.message}）` : T.generic);
    }

    // ------------------------------------------------------------ DOM

    _build() {
      const shadow = this.attachShadow({ mode: 'open' });
      // A constructed stylesheet is not blocked by a strict page CSP; <style> is the fallback.
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        shadow.adoptedStyleSheets = [sheet];
      } catch (_) {
        shadow.append(h('style', { text: CSS }));
      }

      this._launcher = h('button', {
        type: 'button', class: 'launcher', tid: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'mw-panel',
        'aria-haspopup': 'dialog', 'aria-label': T.launcherName, onclick: () => this._setOpen(this._panel.hidden),
      }, icon(), h('span', { text: T.launcher }));

      this._title = h('h2', { id: 'mw-title', part: 'title', text: T.title });
      this._list = h('ul', { role: 'list' });
      this._log = h('div', {
        class: 'log', tid: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
        'aria-label': '会話', tabindex: '0', // focusable so keyboard users can scroll it
      }, this._list);
      this._busyEl = h('div', { class: 'busy', tid: 'busy', role: 'status' });
      this._input = h('textarea', {
        id: 'mw-input', tid: 'input', rows: '1', placeholder: T.placeholder, 'aria-describedby': 'mw-hint',
        autocomplete: 'off', enterkeyhint: 'send', onkeydown: (e) => this._onInputKey(e), oninput: () => this._autosize(),
      });
      this._send = h('button', { type: 'submit', class: 'send', tid: 'send', text: T.send });

      this._panel = h('div', {
        id: 'mw-panel', class: 'panel', tid: 'panel', role: 'dialog', 'aria-modal': 'true',
        'aria-labelledby': 'mw-title', hidden: true,
      },
      h('div', { class: 'head', part: 'header' }, this._title,
        h('button', {
          type: 'button', class: 'close', tid: 'close', 'aria-label': T.closeName, onclick: () => this._setOpen(false),
        }, h('span', { 'aria-hidden': 'true', text: '✕ ' }), T.close)),
      this._log, this._busyEl,
      h('form', { tid: 'form', onsubmit: (e) => { e.preventDefault(); this._submit(); } },
        h('div', { class: 'field' },
          h('div', { class: 'lab' }, h('label', { for: 'mw-input', text: T.label }), h('span', { id: 'mw-hint', text: T.hint })),
          this._input),
        this._send),
      // Description for links that open a new window (referenced by aria-describedby).
      h('span', { id: 'mw-newwin', hidden: true, text: T.newWindow }));

      this._root = h('div', { class: 'root', onkeydown: (e) => this._onKey(e) }, this._launcher, this._panel);
      shadow.append(this._root);
    }

    // ------------------------------------------------------------ open / close / focus

    _setOpen(open) {
      if (open === !this._panel.hidden) return;
      this._panel.hidden = !open;
      this._root.classList.toggle('open', open);
      this._launcher.setAttribute('aria-expanded', String(open));
      if (open && !this._greeted) this._greet();
      (open ? this._input : this._launcher).focus();
    }

    _onKey(e) {
      if (this._panel.hidden) return;
      if (e.key === 'Escape' && !e.isComposing) { // Esc during IME conversion only cancels the conversion
        e.preventDefault();
        this._setOpen(false);
      } else if (e.key === 'Tab' && this._panel.contains(e.target)) {
        this._trapTab(e);
      }
    }

    /** Keep Tab / Shift+Tab inside the open dialog, cycling at both ends. */
    _trapTab(e) {
      const items = [...this._panel.querySelectorAll(FOCUSABLE)].filter((el) => el.getClientRects().length);
      const active = this.shadowRoot.activeElement;
      const i = items.indexOf(active);
      const back = e.shiftKey;
      // When focus is on a non-tabbable element (e.g. the feedback "thanks" text), go to its neighbour.
      const after = (el) => active && active.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING;
      const next = i >= 0 ? items[(i + (back ? -1 : 1) + items.length) % items.length]
        : back ? items.filter((el) => !after(el)).pop() || items[items.length - 1]
          : items.find(after) || items[0];
      e.preventDefault();
      if (next) next.focus();
    }

    // ------------------------------------------------------------ input

    _onInputKey(e) {
      // Enter sends, Shift+Enter is a newline. While the IME is converting, Enter only
      // confirms the kana→kanji conversion — essential for Japanese input.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        this._submit();
      }
    }

    _autosize() {
      const t = this._input;
      t.style.height = 'auto';
      t.style.height = Math.min(t.scrollHeight + 4, 160) + 'px';
    }

    _submit() {
      if (this._busy) return;
      const q = this._input.value.trim();
      if (!q) {
        this._system(T.empty);
        return this._input.focus();
      }
      this._input.value = '';
      this._autosize();
      this._ask(q);
    }

    _setBusy(on) {
      this._busy = on;
      // Move focus off the send button before disabling it, so keyboard users keep their place.
      if (on && this.shadowRoot.activeElement === this._send) this._input.focus();
      this._send.disabled = on;
      this._log.setAttribute('aria-busy', on);
      this._busyEl.textContent = '';
      if (on) this._busyEl.append(T.busy, h('span', { 'aria-hidden': 'true' }, h('i'), h('i'), h('i')));
    }

    // ------------------------------------------------------------ conversation

    /** Append a list item to the log and scroll so its beginning is visible. */
    _append(li) {
      this._list.append(li);
      const log = this._log;
      const top = Math.min(Math.max(0, li.offsetTop - 12), log.scrollHeight - log.clientHeight);
      if (log.scrollTo) log.scrollTo({ top, behavior: smooth() });
      else log.scrollTop = top;
      return li;
    }

    _li(cls, tid, ...kids) {
      return this._append(h('li', { class: 'msg ' + cls, tid }, kids));
    }

    _user(text) {
      return this._li('user', 'user-message', h('span', { class: 'vh', text: T.you }), text);
    }

    _system(text) {
      return this._li('error', 'error', h('div', { class: 'bubble' }, h('p', { text })));
    }

    /** Greeting and starter questions, completed when the tenant config has arrived. */
    _greet() {
      this._greeted = true;
      const box = h('div', { class: 'bubble' }, h('p', { text: T.greeting }));
      this._li('bot', 'greeting', box);
      this._configP.then(() => {
        const c = this._config || {};
        if (str(c.greeting)) box.firstChild.textContent = str(c.greeting);
        box.append(h('p', { class: 'note', text: T.privacy }));
        const qs = (Array.isArray(c.starter_questions) ? c.starter_questions : []).map(str).filter(Boolean);
        if (qs.length) {
          box.append(h('p', { class: 'sub', id: 'mw-starters', text: T.starters }),
            h('ul', { class: 'chips', 'aria-labelledby': 'mw-starters' }, qs.map((q) => h('li', null,
              h('button', { type: 'button', class: 'chip', tid: 'starter', text: q, onclick: () => this._ask(q) })))));
        }
      });
    }

    async _ask(q) {
      if (this._busy) return;
      this._user(q);
      this._setBusy(true);
      const r = await this._api('POST', 'v1/ask', { q, tenant: this.tenant, session: SESSION });
      this._setBusy(false);
      if (r.ok) return this._render(r.data);
      this._system(this._errorText(r));
      // Give an over-long question back so it can be shortened rather than retyped.
      if (r.code === 'question_too_long' && !this._input.value) { this._input.value = q; this._autosize(); }
    }

    /** Dispatch on decision; unknown or incomplete responses are shown as abstain. */
    _render(d) {
      const rid = str(d.request_id) || null;
      const sugg = (Array.isArray(d.suggestions) ? d.suggestions : []).filter((s) => s && str(s.question));
      const a = d.answer;
      if (d.decision === 'answer' && a && typeof a === 'object') {
        this._card(a, rid, sugg.filter((s) => s.id !== a.id));
      } else if (d.decision === 'clarify' && d.clarify && Array.isArray(d.clarify.options) && d.clarify.options.length) {
        // Ask back: each option is a button; its label goes back in the same session.
        const id = `mw-clarify-${++this._seq}`;
        const opts = d.clarify.options.map((o) => str(o && o.label)).filter(Boolean);
        this._li('bot', null, h('div', { class: 'bubble', tid: 'clarify' },
          h('p', { id, text: str(d.clarify.question) || str(d.message) }),
          h('ul', { class: 'chips', 'aria-labelledby': id }, opts.map((label) => h('li', null,
            h('button', { type: 'button', class: 'chip', tid: 'clarify-option', text: label, onclick: () => this._ask(label) }))))));
      } else if (d.decision === 'suggest' && sugg.length) {
        this._li('bot', null, h('div', { class: 'bubble' }, h('p', { text: str(d.message) || T.suggest }), this._chips(sugg, rid)));
      } else {
        this._li('bot', null, h('div', { class: 'bubble' }, h('p', { text: (d.decision === 'abstain' && str(d.message)) || T.abstain }), this._contact()));
      }
    }

    /** Suggestion / related-question buttons. */
    _chips(list, rid, labelledby) {
      return h('ul', { class: 'chips', 'aria-labelledby': labelledby }, list.map((s) => h('li', null,
        h('button', { type: 'button', class: 'chip', tid: 'suggestion', text: str(s.question), onclick: () => this._openFaq(s, rid) }))));
    }

    /** A chip was chosen: fetch that FAQ and show it like an answer (feedback → the original request_id). */
    async _openFaq(s, rid) {
      if (this._busy) return;
      this._user(str(s.question));
      this._setBusy(true);
      const r = await this._api('GET', `v1/faqs/${encodeURIComponent(s.id)}?tenant=${encodeURIComponent(this.tenant)}`);
      this._setBusy(false);
      if (r.ok) this._card(r.data, rid, []);
      else if (str(s.answer)) this._card(s, rid, []); // a suggestion already carries its answer text
      else this._system(this._errorText(r));
    }

    /** Answer card: question heading, paragraphs, source link, reviewed date, feedback, related chips. */
    _card(faq, rid, related) {
      const n = this._list.children.length; // makes ids unique within the shadow root
      const url = safeUrl(faq.source_url);
      const source = str(faq.source) || (url ? new URL(url).hostname : '');
      return this._li('bot', null, h('article', { class: 'card', tid: 'answer', 'aria-labelledby': `mw-q${n}` },
        h('h3', { id: `mw-q${n}`, text: str(faq.question) }),
        h('div', { class: 'body' }, paragraphs(faq.answer)),
        source && h('p', { class: 'meta' }, url
          ? h('a', { class: 'tap', tid: 'source-link', href: url, target: '_blank', rel: 'noopener noreferrer',
            'aria-describedby': 'mw-newwin', text: T.source + source })
          : T.source + source),
        str(faq.reviewed) && h('p', { class: 'meta' }, h('small', { text: T.reviewed + formatDate(faq.reviewed) })),
        rid && this._feedback(rid, n),
        related.length > 0 && [h('p', { class: 'sub', id: `mw-rel${n}`, text: T.related }), this._chips(related, rid, `mw-rel${n}`)]));
    }

    /** 「解決しましたか？」 はい／いいえ → POST /v1/feedback, then thanks (+ contact for いいえ). */
    _feedback(rid, n) {
      const send = async (helpful) => {
        const hadFocus = box.contains(this.shadowRoot.activeElement);
        box.querySelectorAll('button').forEach((b) => { b.disabled = true; });
        const r = await this._api('POST', 'v1/feedback', { request_id: rid, helpful });
        const thanks = h('p', { class: 'thanks', tid: 'feedback-thanks', tabindex: '-1', text: T.thanks });
        box.replaceWith(h('div', { class: 'done' }, thanks,
          !r.ok && h('p', { class: 'note', text: T.fbFailed }),
          !helpful && this._contact(T.contactLead)));
        if (hadFocus) thanks.focus(); // the pressed button is gone: keep keyboard focus in place
      };
      const box = h('div', { class: 'feedback', part: 'feedback', role: 'group', 'aria-labelledby': `mw-fb${n}` },
        h('p', { id: `mw-fb${n}`, text: T.solved }),
        h('button', { type: 'button', class: 'fb', tid: 'feedback-yes', text: 'はい', onclick: () => send(true) }),
        h('button', { type: 'button', class: 'fb', tid: 'feedback-no', text: 'いいえ', onclick: () => send(false) }));
      return box;
    }

    /** The municipality's contact: department, phone (tel: link), hours, web page. */
    _contact(lead) {
      const c = (this._config && this._config.contact) || {};
      const rows = [];
      const row = (label, value) => { if (value) rows.push(h('dt', { text: label }), h('dd', null, value)); };
      const tel = telHref(c.phone);
      const url = safeUrl(c.url);
      row('担当', str(c.department));
      row('電話', str(c.phone) && (tel ? h('a', { class: 'tap', href: tel, text: str(c.phone) }) : str(c.phone)));
      row('受付時間', str(c.hours));
      row('ウェブサイト', url && h('a', {
        class: 'tap', href: url, target: '_blank', rel: 'noopener noreferrer', 'aria-describedby': 'mw-newwin', text: url,
      }));
      return h('div', { class: 'contact', tid: 'contact' },
        lead && h('p', { text: lead }),
        h('h4', { text: T.contactHead }),
        rows.length ? h('dl', null, rows) : h('p', { text: T.contactNone }));
    }
  }

  customElements.define(TAG, MadoguchiWidget);

  // Add the widget once the page is parsed, unless the page already placed one itself.
  function mount() {
    let el = document.querySelector(TAG);
    if (!el) {
      el = document.createElement(TAG);
      if (SCRIPT_API) el.setAttribute('data-api', SCRIPT_BASE);
    }
    if (!el.hasAttribute('data-tenant') && SCRIPT_TENANT) el.setAttribute('data-tenant', SCRIPT_TENANT);
    if (!el.isConnected) document.body.append(el);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount, { once: true });
  else mount();
})();
