// Ketang's admin console: static files over the REST API (docs/protocol.md, REST API).
// Views by hash: #/overview, #/rooms, #/rooms/<id>, #/flow, #/kafka, #/exits.
// Every string from the server is put in the page as text, never as HTML.
(function () {
  'use strict';

  const $ = id => document.getElementById(id);
  const { h, toast } = window.KetangDom;
  const TOKEN = 'ketang.console.token';
  const BUSINESS = 'ketang.console.bid';

  // --- DOM ------------------------------------------------------------------------------------

  function table(headers, rows, attrs = {}) {
    return h('table', attrs,
      h('thead', {}, h('tr', {}, headers.map(x => h('th', { class: x.num ? 'num' : null }, x.label || x)))),
      h('tbody', {}, rows));
  }

  const num = v => h('td', { class: 'num' }, typeof v === 'number' ? v.toLocaleString('en') : v);
  const when = ms => ms ? new Date(ms).toLocaleString() : '';
  const bytes = b => (b / 1048576).toFixed(0) + ' MiB';
  const duration = ms => {
    const s = Math.floor(ms / 1000);
    return s < 120 ? s + ' s' : s < 7200 ? Math.floor(s / 60) + ' min' : Math.floor(s / 3600) + ' h ' + Math.floor(s / 60) % 60 + ' min';
  };

  // --- the API --------------------------------------------------------------------------------

  const session = {
    token: sessionStorage.getItem(TOKEN),
    caller: null,
    get bid() { return sessionStorage.getItem(BUSINESS) || (this.caller && this.caller.bid); },
    set bid(v) { sessionStorage.setItem(BUSINESS, v); },
  };

  /** Calls the REST API; rejects with {status, code, message} from the server's JSON refusal. */
  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + session.token };
    if (session.caller && session.caller.operator && session.bid) headers['Ketang-Bid'] = session.bid;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const reply = await fetch('/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await reply.text();
    const json = text ? JSON.parse(text) : {};
    if (!reply.ok) throw { status: reply.status, code: json.code || 'HTTP_' + reply.status, message: json.message || reply.statusText };
    return json;
  }

  const failed = e => toast((e.code || 'ERROR') + ': ' + (e.message || e), true);

  // --- signing in -----------------------------------------------------------------------------

  function signInView(problem) {
    stopTimers();
    $('nav').hidden = true;
    $('who').hidden = true;
    const token = h('textarea', { id: 'token', rows: 4, cols: 80, placeholder: 'an admin or operator JWT from your identity service' });
    const role = h('select', { id: 'dev-role' }, h('option', {}, 'operator'), h('option', {}, 'admin'));
    const bid = h('input', { id: 'dev-bid', value: 'demo', size: 10 });
    const uin = h('input', { id: 'dev-uin', type: 'number', value: 9001, min: 1 });
    return [
      h('h1', {}, 'Sign in'),
      problem ? h('p', { class: 'error', role: 'alert' }, problem) : null,
      h('p', { class: 'note' }, 'The console acts with a token from the same issuer as client tokens: role ',
        h('code', {}, 'admin'), ' for one business, or ', h('code', {}, 'operator'), ' for every business and the cluster.'),
      h('div', { class: 'panel' }, token,
        h('div', { class: 'row' }, h('button', { class: 'primary', id: 'use-token', onclick: () => useToken(token.value.trim()) }, 'Sign in'))),
      h('div', { class: 'panel' }, h('strong', {}, 'Local development'), ' (demo tokens are on only with the local default)',
        h('div', { class: 'row' }, h('label', {}, 'role ', role), h('label', {}, 'business ', bid), h('label', {}, 'uin ', uin),
          h('button', { id: 'dev-signin', onclick: () => devToken(role.value, bid.value, Number(uin.value)) }, 'Get a dev token'))),
    ];
  }

  async function devToken(role, bid, uin) {
    let token;
    try {
      token = await window.KetangDom.devToken({ uin, bid, role });
    } catch (e) {
      return render(signInView(e.message));
    }
    sessionStorage.setItem(BUSINESS, bid);
    useToken(token);
  }

  async function useToken(token) {
    session.token = token;
    try {
      session.caller = await api('GET', '/caller');
    } catch (e) {
      session.token = null;
      return render(signInView(e.status === 401 ? 'That token is not valid.' : e.status === 403
        ? 'That token is not an admin or operator token.' : e.message));
    }
    if (session.caller.role !== 'admin' && session.caller.role !== 'operator') {
      session.token = null;
      return render(signInView('A ' + session.caller.role + ' token cannot use the console: it needs role admin or operator.'));
    }
    sessionStorage.setItem(TOKEN, token);
    if (!session.caller.operator) sessionStorage.setItem(BUSINESS, session.caller.bid);
    showCaller();
    if (!location.hash || location.hash === '#/') location.hash = session.caller.operator ? '#/overview' : '#/rooms';
    route();
  }

  function showCaller() {
    const operator = session.caller.operator;
    $('nav').hidden = false;
    $('who').hidden = false;
    for (const a of document.querySelectorAll('#nav [data-operator]')) a.hidden = !operator;
    $('who-role').textContent = session.caller.role + ' ' + session.caller.subject;
    $('business-pick').hidden = !operator;
    $('who-bid').textContent = operator ? '' : 'business ' + session.caller.bid;
    $('business').value = session.bid;
  }

  $('business').addEventListener('change', e => { session.bid = e.target.value.trim(); route(); });
  $('signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(BUSINESS);
    session.token = null;
    session.caller = null;
    location.hash = '';
    render(signInView());
  });

  // --- routing --------------------------------------------------------------------------------

  let timers = [];
  function every(ms, fn) { fn(); timers.push(setInterval(fn, ms)); }
  function stopTimers() { timers.forEach(clearInterval); timers = []; }

  function render(children) {
    const view = $('view');
    view.replaceChildren(...[children].flat().filter(Boolean));
  }

  function route() {
    stopTimers();
    if (!session.caller) return render(signInView());
    const [, view, arg] = (location.hash || '#/').split('/').map(decodeURIComponent);
    for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.view === view);
    const operatorOnly = view === 'overview' || view === 'kafka';
    if (operatorOnly && !session.caller.operator) {
      return render([h('h1', {}, 'Operators only'), h('p', { class: 'note' },
        'This view mixes every business\'s traffic; a business admin sees its own rooms, flow control and exits.')]);
    }
    switch (view) {
      case 'overview': return overview();
      case 'rooms': return arg ? roomPage(arg) : rooms();
      case 'flow': return flow();
      case 'kafka': return kafka();
      case 'exits': return exits();
      default: location.hash = session.caller.operator ? '#/overview' : '#/rooms';
    }
  }
  window.addEventListener('hashchange', route);

  // --- overview -------------------------------------------------------------------------------

  // What the charts draw: each is a list of series, each series a function of the cluster's
  // figures now and at the previous report (rates are differences of running totals).
  const CHARTS = [
    { id: 'connections', title: 'Open sockets', series: [['sockets', (n) => n.sockets]] },
    { id: 'joins', title: 'Joins and exits per second', series: [['joins/s', (n, r) => r('joins')],
      ['left/s', (n, r) => r('exits.closed')], ['heartbeat timeouts/s', (n, r) => r('exits.timeout')], ['kicked/s', (n, r) => r('exits.kicked')]] },
    { id: 'deliveries', title: 'Deliveries per second (frames handed to sockets)', series: [['deliveries/s', (n, r) => r('deliveries')]] },
    { id: 'batches', title: 'Chat batches and sampled-out items per second', series: [['batches/s', (n, r) => r('batches')],
      ['sampled out/s', (n, r) => r('sampledOut')]] },
    { id: 'refusals', title: 'Refusals and mutes per second', series: [['refused/s', (n, r) => r('refused')],
      ['mute changes/s', (n, r) => r('muteChanges')], ['auto-mutes/s', (n, r) => r('autoMutes')]] },
  ];
  const COLORS = ['#2457c5', '#c53030', '#b7791f', '#1f7a4a', '#6b46c1'];
  const KEEP = 150; // five minutes of 2-second reports

  const history = { at: [], series: {}, last: null };

  /** Adds one sample of the cluster: the sum over nodes, with rates from each node's previous report. */
  function sample(nodes) {
    const previous = history.last || {};
    const sum = { sockets: 0 };
    const rates = {};
    for (const n of nodes) {
      sum.sockets += n.sockets;
      const before = previous[n.node];
      if (!before || before.at >= n.at) continue;
      const seconds = (n.at - before.at) / 1000;
      for (const [k, v] of Object.entries(n.totals)) {
        rates[k] = (rates[k] || 0) + Math.max(0, v - (before.totals[k] || 0)) / seconds;
      }
    }
    history.last = Object.fromEntries(nodes.map(n => [n.node, n]));
    history.at.push(Date.now() / 1000);
    for (const chart of CHARTS) {
      chart.series.forEach(([name, f], i) => {
        const key = chart.id + i;
        (history.series[key] = history.series[key] || []).push(f(sum, k => Math.round((rates[k] || 0) * 10) / 10));
      });
    }
    if (history.at.length > KEEP) {
      history.at.shift();
      Object.values(history.series).forEach(s => s.shift());
    }
  }

  function overview() {
    const cards = h('div', { class: 'cards', id: 'totals' });
    const nodesTable = h('div', { id: 'nodes' });
    const charts = h('div', { class: 'charts' });
    const plots = CHARTS.map(chart => {
      const box = h('div', { class: 'chart', id: 'chart-' + chart.id, dataset: { samples: 0, max: 0 } }, h('h3', {}, chart.title));
      charts.append(box);
      const plot = new uPlot({
        width: 560, height: 180, series: [{}, ...chart.series.map(([label], i) => ({ label, stroke: COLORS[i], width: 2 }))],
        axes: [{}, { size: 60 }], scales: { x: { time: true } }, legend: { live: false },
      }, [[], ...chart.series.map(() => [])], box);
      return { chart, box, plot };
    });
    render([h('h1', {}, 'Overview'), cards, charts, h('h2', {}, 'Nodes'), nodesTable]);
    every(2000, async () => {
      let nodes;
      try {
        nodes = (await api('GET', '/cluster/nodes')).nodes;
      } catch (e) { return failed(e); }
      sample(nodes);
      for (const { chart, box, plot } of plots) {
        const data = [history.at.slice(), ...chart.series.map((_, i) => history.series[chart.id + i].slice())];
        plot.setData(data);
        box.dataset.samples = history.at.length;
        box.dataset.max = Math.max(0, ...data.slice(1).flat());
      }
      const total = k => nodes.reduce((s, n) => s + n[k], 0);
      const latest = k => CHARTS.flatMap(c => c.series.map((s, i) => [s[0], history.series[c.id + i]]))
        .find(([name]) => name === k)[1].slice(-1)[0];
      cards.replaceChildren(...[
        ['nodes', nodes.length + ' (' + nodes.filter(n => n.ready).length + ' ready)'],
        ['sockets', total('sockets').toLocaleString('en')], ['rooms with sockets', total('rooms').toLocaleString('en')],
        ['deliveries/s', latest('deliveries/s').toLocaleString('en')], ['joins/s', latest('joins/s')],
        ['heartbeat timeouts/s', latest('heartbeat timeouts/s')], ['refused/s', latest('refused/s')],
      ].map(([label, value]) => h('div', { class: 'card' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value))));
      nodesTable.replaceChildren(table(['node', 'up for', 'ready', { label: 'sockets', num: 1 }, { label: 'rooms', num: 1 },
        { label: 'heap', num: 1 }, { label: 'threads', num: 1 }, { label: 'deliveries', num: 1 }],
      nodes.map(n => h('tr', {}, h('td', {}, n.node), h('td', {}, duration(n.at - n.startedAt)),
        h('td', {}, Object.entries(n.checks).map(([k, up]) => h('span', { class: 'badge ' + (up ? 'good' : 'bad') }, k)), ' '),
        num(n.sockets), num(n.rooms), num(bytes(n.heapUsedBytes) + ' / ' + bytes(n.heapMaxBytes)), num(n.threads),
        num(n.totals.deliveries)))));
    });
  }

  // --- rooms ----------------------------------------------------------------------------------

  function rooms() {
    const prefix = h('input', { id: 'room-search', placeholder: 'room id starts with…', size: 20 });
    const status = h('select', { id: 'room-status' }, ['', 'live', 'created', 'ended'].map(s => h('option', { value: s }, s || 'any status')));
    const list = h('div', { id: 'room-list' });
    const pager = { cursors: [null], page: 0 };
    async function load() {
      const q = new URLSearchParams({ limit: 25 });
      if (prefix.value) q.set('prefix', prefix.value);
      if (status.value) q.set('status', status.value);
      if (pager.cursors[pager.page]) q.set('after', pager.cursors[pager.page]);
      let page;
      try { page = await api('GET', '/rooms?' + q); } catch (e) { return failed(e); }
      pager.cursors[pager.page + 1] = page.next;
      list.replaceChildren(
        table(['room', 'title', 'status', 'chat', 'teacher', 'created'], page.rooms.map(r => h('tr', {},
          h('td', {}, h('a', { href: '#/rooms/' + encodeURIComponent(r.room) }, r.room)), h('td', {}, r.title),
          h('td', {}, h('span', { class: 'badge ' + (r.status === 'live' ? 'good' : '') }, r.status)), h('td', {}, r.chatMode),
          h('td', {}, r.teacherUin), h('td', {}, r.createdAt ? new Date(r.createdAt).toLocaleString() : '')))),
        h('div', { class: 'row' },
          h('button', { disabled: pager.page === 0, onclick: () => { pager.page--; load(); } }, '‹ previous'),
          h('span', { class: 'note' }, 'page ' + (pager.page + 1)),
          h('button', { id: 'rooms-next', disabled: !page.next, onclick: () => { pager.page++; load(); } }, 'next ›')));
    }
    const search = () => { pager.cursors = [null]; pager.page = 0; load(); };
    prefix.addEventListener('input', search);
    status.addEventListener('change', search);

    const f = { room: h('input', { id: 'new-room', size: 14, placeholder: 'room id' }), title: h('input', { id: 'new-title', placeholder: 'title' }),
      teacher: h('input', { id: 'new-teacher', type: 'number', value: 1, min: 1 }), groupSize: h('input', { type: 'number', value: 0, min: 0 }),
      chatMode: h('select', {}, ['open', 'group', 'staff-only'].map(m => h('option', {}, m))) };
    async function create(open) {
      try {
        await api('POST', '/rooms', { room: f.room.value, title: f.title.value || f.room.value, teacherUin: Number(f.teacher.value),
          groupSize: Number(f.groupSize.value), chatMode: f.chatMode.value });
        if (open) await api('POST', '/rooms/' + encodeURIComponent(f.room.value) + '/open');
        toast('Room ' + f.room.value + (open ? ' created and open' : ' created'));
        location.hash = '#/rooms/' + encodeURIComponent(f.room.value);
      } catch (e) { failed(e); }
    }
    render([h('h1', {}, 'Rooms of ' + session.bid),
      h('div', { class: 'row' }, prefix, status),
      list,
      h('h2', {}, 'New room'),
      h('div', { class: 'row' }, f.room, f.title, h('label', {}, 'teacher ', f.teacher), h('label', {}, 'group size ', f.groupSize),
        h('label', {}, 'chat ', f.chatMode), h('button', { onclick: () => create(false) }, 'Create'),
        h('button', { class: 'primary', id: 'create-open', onclick: () => create(true) }, 'Create and open'))]);
    load();
  }

  function roomPage(roomId) {
    const path = '/rooms/' + encodeURIComponent(roomId);
    const head = h('div', { id: 'room-head' });
    const counts = h('div', { class: 'cards', id: 'room-counts' });
    const live = h('div', { id: 'room-live' });
    const membersBox = h('div', { id: 'members' });
    const audit = h('div', { id: 'audit' });
    const records = h('div', { id: 'records' });
    render([head, counts, h('div', { class: 'grid2' },
      h('div', {}, h('h2', {}, 'Members'), membersBox),
      h('div', {}, h('h2', {}, 'Classroom now'), live, h('h2', {}, 'Audit trail'), audit)),
    h('h2', {}, 'Records'), records]);

    async function loadHead() {
      let room, mute;
      try { [room, mute] = await Promise.all([api('GET', path), api('GET', '/mutes' + path)]); } catch (e) {
        if (e.status === 404) return render([h('h1', {}, 'No such room'), h('p', { class: 'error', role: 'alert', id: 'no-room' },
          'This business has no room "' + roomId + '".')]);
        return failed(e);
      }
      const mode = h('select', { id: 'chat-mode', onchange: async e => {
        try { await api('PUT', path + '/chat-mode', { chatMode: e.target.value }); toast('Chat mode ' + e.target.value); loadAudit(); } catch (x) { failed(x); loadHead(); }
      } }, ['open', 'group', 'staff-only'].map(m => h('option', { selected: m === room.chatMode }, m)));
      head.replaceChildren(h('h1', {}, room.title + ' ', h('span', { class: 'note' }, room.room)),
        h('div', { class: 'row' },
          h('span', { class: 'badge ' + (room.status === 'live' ? 'good' : ''), id: 'room-status' }, room.status),
          h('label', {}, 'chat ', mode),
          h('span', { id: 'mute-state', class: 'badge ' + (mute.muted ? 'warn' : '') }, mute.muted ? 'muted (' + mute.reason + ')' : 'chat open'),
          h('button', { id: 'mute', onclick: async () => {
            try { await api('PUT', '/mutes' + path, { muted: !mute.muted }); toast(mute.muted ? 'Unmuted' : 'Muted'); loadHead(); loadAudit(); } catch (e) { failed(e); }
          } }, mute.muted ? 'Unmute chat' : 'Mute chat'),
          room.status === 'created' ? h('button', { onclick: async () => { try { await api('POST', path + '/open'); loadHead(); } catch (e) { failed(e); } } }, 'Open') : null,
          room.status !== 'ended' ? h('button', { class: 'danger', id: 'close-room', onclick: async () => {
            if (!confirm('End the class? Everyone in it is removed.')) return;
            try { await api('POST', path + '/close'); toast('Room closed'); loadHead(); loadAudit(); } catch (e) { failed(e); }
          } }, 'End class') : null,
          h('span', { class: 'note' }, 'teacher ' + room.teacherUin + (room.groupSize ? ' · groups of ' + room.groupSize : ''))));
    }

    async function loadCounts() {
      try {
        const c = await api('GET', path + '/counts');
        counts.replaceChildren(...[['members', c.total], ...Object.entries(c.roles)].map(([k, v]) =>
          h('div', { class: 'card', dataset: { count: k } }, h('div', { class: 'label' }, k), h('div', { class: 'value' }, v.toLocaleString('en')))),
        h('div', { class: 'card' }, h('div', { class: 'label' }, 'groups'), h('div', { class: 'value' }, Object.keys(c.groups).length)));
      } catch (e) { /* the head shows a missing room */ }
    }

    // members: filters, cursor paging (a stack of cursors for going back), kick from the list
    const filters = { role: h('select', { id: 'filter-role' }, ['', 'teacher', 'assistant', 'student'].map(r => h('option', { value: r }, r || 'any role'))),
      terminal: h('select', { id: 'filter-terminal' }, ['', 'web', 'app', 'pc'].map(t => h('option', { value: t }, t || 'any terminal'))),
      group: h('input', { id: 'filter-group', placeholder: 'group', size: 6 }) };
    const pager = { cursors: [0], page: 0 };
    const memberRows = h('div');
    async function loadMembers() {
      const q = new URLSearchParams({ limit: 20, after: pager.cursors[pager.page] });
      for (const [k, el] of Object.entries(filters)) if (el.value) q.set(k, el.value);
      let page;
      try { page = await api('GET', path + '/members?' + q); } catch (e) { return failed(e); }
      pager.cursors[pager.page + 1] = page.next;
      memberRows.replaceChildren(
        table(['uin', 'role', 'group', 'terminals', 'joined', ''], page.members.map(m => h('tr', { dataset: { uin: m.uin } },
          h('td', {}, m.uin), h('td', {}, m.role), h('td', {}, m.group || ''), h('td', {}, m.terminals.join(', ')),
          h('td', {}, when(m.joinedAt)),
          h('td', {}, m.role === 'teacher' ? '' : h('button', { class: 'danger kick', onclick: async () => {
            if (!confirm('Kick ' + m.uin + '? They are banned from this room for 10 minutes.')) return;
            try { const r = await api('POST', path + '/members/' + m.uin + '/kick'); toast('Kicked ' + m.uin + ' (seq ' + r.seq + ')'); loadAudit(); loadCounts(); untilGone(m.uin); } catch (e) { failed(e); }
          } }, 'Kick'))))),
        h('div', { class: 'row' },
          h('button', { id: 'members-prev', disabled: pager.page === 0, onclick: () => { pager.page--; loadMembers(); } }, '‹ previous'),
          h('span', { class: 'note', id: 'members-page' }, 'page ' + (pager.page + 1) + ' · ' + page.members.length + ' shown of ' + page.count),
          h('button', { id: 'members-next', disabled: !page.next, onclick: () => { pager.page++; loadMembers(); } }, 'next ›')));
    }
    // A kicked member leaves the list once their node has closed the session and the entry's removal
    // has come back through Kafka to this node's list: read the page again until they are gone (10 s at most).
    async function untilGone(uin) {
      for (let tries = 0; tries < 10; tries++) {
        await loadMembers();
        if (!memberRows.querySelector('tr[data-uin="' + uin + '"]')) return;
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
    }
    const refilter = () => { pager.cursors = [0]; pager.page = 0; loadMembers(); };
    Object.values(filters).forEach(el => el.addEventListener('change', refilter));
    membersBox.append(h('div', { class: 'row' }, filters.role, filters.terminal, filters.group,
      h('button', { onclick: loadMembers }, 'Refresh')), memberRows);

    async function loadLive() {
      let s;
      try { s = await api('GET', path + '/classroom'); } catch (e) { return; }
      live.replaceChildren(...[
        h('div', { class: 'row' }, h('span', { class: 'badge' }, 'flowers ' + s.flowers),
          h('span', { class: 'badge', id: 'hands-count' }, 'hands up ' + s.hands.count)),
        s.hands.queue.length ? h('p', {}, 'Raised hands, in order: ', h('span', { id: 'hands-queue' }, s.hands.queue.join(', '))) : null,
        s.signin ? h('p', {}, 'Sign-in #' + s.signin.id + ' open: ' + s.signin.count + ' signed, closes ' + when(s.signin.closesAt)) : null,
        s.quiz ? h('p', {}, 'Quiz #' + s.quiz.id + ' open: ' + s.quiz.answered + ' answered, closes ' + when(s.quiz.closesAt)) : null,
        s.redpackets.length ? h('p', {}, 'Red packets: ', s.redpackets.map(p => '#' + p.id + ' ' + p.left + ' of ' + p.count + ' left').join('; ')) : null,
      ].filter(Boolean));
    }

    let auditAfter = 0;
    const auditRows = [];
    async function loadAudit() {
      let page;
      try { page = await api('GET', path + '/audit?limit=500&after=' + auditAfter); } catch (e) { return; }
      for (const a of page.audit) {
        auditAfter = Math.max(auditAfter, a.id);
        auditRows.unshift(h('tr', { dataset: { action: a.action } }, h('td', {}, when(a.at)), h('td', {}, a.action),
          h('td', {}, a.actorRole + ' ' + a.actorUin), h('td', {}, JSON.stringify(a.detail || {}))));
      }
      audit.replaceChildren(auditRows.length ? table(['when', 'action', 'by', 'detail'], auditRows.slice(0, 50), { id: 'audit-table' })
        : h('p', { class: 'note' }, 'Nothing yet.'));
    }

    async function loadRecords() {
      let signins, quizzes, packets;
      try {
        [signins, quizzes, packets] = await Promise.all([api('GET', path + '/signins?limit=10'), api('GET', path + '/quizzes?limit=10'),
          api('GET', path + '/redpackets?limit=10')]);
      } catch (e) { return; }
      const attendance = h('div', { id: 'attendance' });
      records.replaceChildren(h('div', { class: 'grid2' },
        h('div', {}, h('h3', {}, 'Sign-ins'), table(['id', { label: 'signed', num: 1 }, { label: 'late', num: 1 }, { label: 'absent', num: 1 }, ''],
          (signins.signins || []).map(s => h('tr', {}, h('td', {}, s.id), num(s.signed), num(s.late), num(s.absent),
            h('td', {}, h('button', { onclick: () => showAttendance(s.id, attendance) }, 'attendance'))))), attendance),
        h('div', {}, h('h3', {}, 'Quizzes'), table(['id', 'answers', 'correct', { label: 'right', num: 1 }],
          (quizzes.quizzes || []).map(q => h('tr', {}, h('td', {}, q.id), h('td', {}, Object.entries(q.counts || {}).map(([k, v]) => k + ' ' + v).join(' · ')),
            h('td', {}, q.correct || ''), num(q.right === undefined ? '' : q.right))))),
        h('div', {}, h('h3', {}, 'Red packets'), table(['id', { label: 'shares', num: 1 }, { label: 'claimed', num: 1 }, { label: 'unclaimed', num: 1 }],
          (packets.redpackets || []).map(p => h('tr', {}, h('td', {}, p.id), num(p.shares),
            num(p.claimed + ' · ' + (p.claimedCents / 100).toFixed(2)), num(p.unclaimed + ' · ' + (p.unclaimedCents / 100).toFixed(2))))))));
    }

    async function showAttendance(signin, box) {
      try {
        const page = await api('GET', path + '/attendance?limit=200&signin=' + signin);
        box.replaceChildren(table(['uin', 'status', 'signed at'], page.attendance.map(a => h('tr', {}, h('td', {}, a.uin),
          h('td', {}, a.status), h('td', {}, when(a.signedAt))))));
      } catch (e) { failed(e); }
    }

    loadHead();
    loadMembers();
    every(3000, () => { loadCounts(); loadLive(); loadAudit(); });
    every(10000, loadRecords);
  }

  // --- flow control ---------------------------------------------------------------------------

  function flow() {
    const box = h('div', { id: 'flow' });
    render([h('h1', {}, 'Flow control of ' + session.bid), box]);
    const described = { 'room-chat': 'each room\'s chat, flowers and hands', cluster: 'unimportant pushes of every business',
      business: 'this business\'s REST pushes', mute: 'chat refused because muted' };
    every(3000, async () => {
      let f;
      try { f = await api('GET', '/flow'); } catch (e) { return failed(e); }
      box.replaceChildren(
        h('div', { class: 'row' },
          h('span', { class: 'badge ' + (f.clusterMuted ? 'bad' : 'good') }, f.clusterMuted ? 'cluster chat muted by flow control' : 'cluster chat open'),
          h('span', { class: 'badge ' + (f.businessMuted ? 'warn' : 'good'), id: 'business-muted' }, f.businessMuted ? 'business muted' : 'business open'),
          h('button', { id: 'mute-business', onclick: async () => {
            try { await api('PUT', '/mutes/business', { muted: !f.businessMuted }); toast(f.businessMuted ? 'Business unmuted' : 'Business muted'); } catch (e) { failed(e); }
          } }, f.businessMuted ? 'Unmute the business' : 'Mute the business')),
        table(['limit', 'what it covers', { label: 'per second', num: 1 }, { label: 'used last second', num: 1 }, 'Redis away', 'verdicts on this node'],
          f.limits.map(l => h('tr', {}, h('td', {}, l.name), h('td', {}, described[l.name] || ''), num(l.perSecond || '—'),
            num(l.usedLastSecond < 0 ? '—' : l.usedLastSecond), h('td', {}, l.name === 'mute' ? '' : l.whenRedisIsDown.toLowerCase()),
            h('td', {}, Object.entries(l.verdicts).map(([k, v]) => h('span', { class: 'badge ' + (k === 'admitted' ? 'good' : 'warn') }, k + ' ' + v)), ' ')))),
        h('h2', {}, 'Muted rooms'),
        f.mutedRooms.length ? table(['room', 'why', ''], f.mutedRooms.map(m => h('tr', {},
          h('td', {}, h('a', { href: '#/rooms/' + encodeURIComponent(m.room) }, m.room)), h('td', {}, m.reason),
          h('td', {}, h('button', { onclick: async () => {
            try { await api('PUT', '/mutes/rooms/' + encodeURIComponent(m.room), { muted: false }); toast('Unmuted ' + m.room); } catch (e) { failed(e); }
          } }, 'Unmute'))))) : h('p', { class: 'note' }, 'No room is muted.'));
    });
  }

  // --- Kafka ----------------------------------------------------------------------------------

  function kafka() {
    const box = h('div', { id: 'kafka' });
    const showInactive = h('input', { type: 'checkbox', id: 'show-inactive' });
    render([h('h1', {}, 'Kafka'), h('p', { class: 'note' }, 'Partitions are sized by ceil(T / min(PT, CT)): T the topic\'s target ' +
      'messages a second, PT and CT what one partition takes from producers and gives to consumers.'), box]);
    every(5000, async () => {
      let k;
      try { k = await api('GET', '/cluster/kafka'); } catch (e) { return failed(e); }
      const byGroup = {};
      for (const l of k.lag) {
        const g = byGroup[l.group] || (byGroup[l.group] = { lag: 0, active: l.active });
        g.lag += l.lag;
      }
      const shown = showInactive.checked ? k.lag : k.lag.filter(l => l.active);
      const inactive = Object.values(byGroup).filter(g => !g.active).length;
      box.replaceChildren(
        table(['role', 'topic', { label: 'T', num: 1 }, { label: 'PT', num: 1 }, { label: 'CT', num: 1 }, { label: 'planned', num: 1 },
          { label: 'partitions', num: 1 }, { label: 'replicas', num: 1 }],
        k.topics.map(t => h('tr', {}, h('td', {}, t.role), h('td', {}, t.name), num(t.target), num(t.producerPerPartition),
          num(t.consumerPerPartition), num(t.plannedPartitions),
          h('td', { class: 'num' }, h('span', { class: 'badge ' + (t.partitions === t.plannedPartitions ? 'good' : 'warn') }, t.partitions)),
          num(t.replicas + ' of ' + t.replicationFactor))), { id: 'topics' }),
        h('h2', {}, 'Consumer lag'),
        h('div', { class: 'cards' }, Object.entries(byGroup).filter(([, g]) => g.active).map(([name, g]) => h('div', { class: 'card' },
          h('div', { class: 'label' }, name), h('div', { class: 'value' }, g.lag.toLocaleString('en'))))),
        h('div', { class: 'row' }, h('label', {}, showInactive, ' show ' + inactive + ' inactive group(s)'),
          h('span', { class: 'note' }, 'groups of nodes that are gone, kept by Kafka until their offsets expire')),
        table(['group', 'topic', { label: 'partition', num: 1 }, { label: 'end', num: 1 }, { label: 'committed', num: 1 }, { label: 'lag', num: 1 }],
          shown.map(l => h('tr', { class: l.active ? null : 'note' }, h('td', {}, l.group), h('td', {}, l.topic), num(l.partition), num(l.endOffset), num(l.committed),
            num(l.lag))), { id: 'lag' }));
    });
  }

  // --- exits ----------------------------------------------------------------------------------

  function exits() {
    const reason = h('select', { id: 'exit-reason' }, ['', 'closed', 'timeout', 'kicked'].map(r => h('option', { value: r }, r || 'every reason')));
    const box = h('div', { id: 'exits' });
    render([h('h1', {}, 'Latest exits of ' + session.bid), h('div', { class: 'row' }, reason,
      h('span', { class: 'note' }, 'Every node\'s exits, newest first; the ketang.exits topic has them all.')), box]);
    let latest = [];
    const draw = () => box.replaceChildren(table(['when', 'room', 'uin', 'terminal', 'why'],
      latest.filter(e => !reason.value || e.reason === reason.value).map(e => h('tr', { dataset: { reason: e.reason } },
        h('td', {}, when(e.ts)), h('td', {}, h('a', { href: '#/rooms/' + encodeURIComponent(e.room) }, e.room)), h('td', {}, e.uin),
        h('td', {}, e.terminal), h('td', {}, h('span', { class: 'badge ' + (e.reason === 'timeout' ? 'warn' : e.reason === 'kicked' ? 'bad' : '') }, e.reason))))));
    reason.addEventListener('change', draw);
    every(3000, async () => {
      try { latest = (await api('GET', '/exits?limit=100')).exits; } catch (e) { return failed(e); }
      draw();
    });
  }

  // --- start ----------------------------------------------------------------------------------

  if (session.token) useToken(session.token); else render(signInView());
  window.ketangConsole = { history };
})();
