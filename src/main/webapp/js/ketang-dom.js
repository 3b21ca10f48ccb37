// A little DOM help for Ketang's pages (the console and the demo classroom): elements built with
// every string from the server as text, never as HTML.
(function (global) {
  'use strict';

  /** An element with attributes (on* are listeners, dataset a map) and children (strings become text). */
  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  /** A short note in the page's #toast corner; errors stay longer. */
  function toast(text, error) {
    const line = h('div', { class: error ? 'error' : null, role: error ? 'alert' : 'status' }, text);
    document.getElementById('toast').append(line);
    setTimeout(() => line.remove(), error ? 8000 : 4000);
  }

  /** A signed token from the local default's demo-token endpoint (off in production). */
  async function devToken(body) {
    const reply = await fetch('/api/dev/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body) });
    if (!reply.ok) throw { code: 'HTTP_' + reply.status, message: 'no demo token: demo tokens are on only with the local default' };
    return (await reply.json()).token;
  }

  global.KetangDom = { h, toast, devToken };
})(window);
