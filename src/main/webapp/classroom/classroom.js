// Ketang's demo classroom on the reference client (docs/protocol.md, Classroom): a teacher view
// (sign-in, quiz, red packets, hands, live tallies and results) and a student view (sign in,
// answer, grab, raise a hand, send flowers), chat in the room's chat mode, presence, and what
// the client recovered after a dropped connection.
(function () {
  'use strict';

  const $ = id => document.getElementById(id);
  const { h, toast, devToken } = window.KetangDom;

  const me = { role: 'student', uin: 0, bid: 'demo', room: '' };
  const cls = { state: null, tally: null, flowers: 0, grabs: [], chatMode: 'open', reconnects: 0, recovered: 0, lastJoin: null };
  let client;

  const staff = () => me.role === 'teacher' || me.role === 'assistant';
  const refused = e => toast((e.code || 'ERROR') + ': ' + (e.message || ''), true);

  // --- entering ---------------------------------------------------------------------------------

  const params = new URLSearchParams(location.search);
  for (const k of ['role', 'uin', 'bid', 'room', 'terminal']) if (params.get(k)) $(k).value = params.get(k);
  $('enter').addEventListener('click', enter);
  if (params.get('go')) enter();

  async function enter() {
    Object.assign(me, { role: $('role').value, uin: Number($('uin').value), bid: $('bid').value, room: $('room').value });
    $('setup-error').textContent = '';
    try {
      if (me.role === 'teacher') await ensureRoom();
    } catch (e) {
      $('setup-error').textContent = 'The room could not be made ready: ' + (e.message || e.code);
      return;
    }
    $('me').textContent = me.role + ' ' + me.uin;
    client = new KetangClient({ url: location.origin.replace(/^http/, 'ws') + '/ws', terminal: $('terminal').value, ackEveryMs: 1000,
      token: () => devToken({ uin: me.uin, bid: me.bid, role: me.role }) });
    client.addEventListener('welcome', () => {
      conn('connected', 'good');
      if (!client.rooms.has(me.room)) client.join(me.room).catch(e => { $('setup-error').textContent = e.code + ': ' + e.message; show(false); });
    });
    client.addEventListener('close', e => { conn(e.detail.code === 1000 ? 'left' : 'reconnecting (' + e.detail.code + ')', 'warn'); });
    client.addEventListener('joined', e => joined(e.detail));
    client.addEventListener('state', e => { cls.state = e.detail; cls.flowers = e.detail.flowers; cls.chatMode = e.detail.chatMode; draw(); });
    client.addEventListener('message', e => message(e.detail));
    client.addEventListener('batch', e => e.detail.items.forEach(item => normal(item)));
    client.addEventListener('presence', e => { $('presence').textContent = e.detail.count + ' in class'; });
    client.addEventListener('pulled', e => { cls.recovered += e.detail.msgs.length; recovery(); });
    client.addEventListener('muted', e => { $('muted').hidden = !e.detail.muted; $('muted').textContent = 'chat muted'; });
    client.addEventListener('kicked', e => { conn('removed: ' + e.detail.reason, 'bad'); system('You were removed from the class (' + e.detail.reason + ').'); });
    client.addEventListener('reload', () => system('Too much was missed: the class was redrawn from its state.'));
    client.connect();
  }

  /** The teacher's page creates and opens the room when it does not exist yet, with a demo admin token. */
  async function ensureRoom() {
    const token = await devToken({ uin: me.uin, bid: me.bid, role: 'admin' });
    const call = (method, path, body) => fetch('/api/v1/rooms' + path, { method, body: body && JSON.stringify(body),
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' } });
    const found = await call('GET', '/' + encodeURIComponent(me.room));
    if (found.status === 404) {
      const made = await call('POST', '', { room: me.room, title: 'Demo class ' + me.room, teacherUin: me.uin, groupSize: 0, chatMode: 'open' });
      if (!made.ok) throw await made.json();
    }
    const room = found.ok ? await found.json() : { status: 'created' };
    if (room.status === 'created') {
      const opened = await call('POST', '/' + encodeURIComponent(me.room) + '/open');
      if (!opened.ok) throw await opened.json();
    }
  }

  function conn(text, kind) {
    $('conn').textContent = text;
    $('conn').className = 'badge ' + kind;
  }

  function show(on) {
    $('setup').hidden = on;
    $('class').hidden = !on;
  }

  function joined(f) {
    show(true);
    $('room-title').textContent = (f.title || f.room) + (f.status === 'live' ? '' : ' (' + f.status + ')');
    $('presence').textContent = f.members + ' in class';
    cls.chatMode = f.chatMode;
    if (cls.lastJoin !== null) {
      cls.reconnects++;
      cls.recovered += (f.missed || []).length;
      system('Reconnected at ' + new Date().toLocaleTimeString() + (f.recovered === false ? '; the class was redrawn'
        : '; recovered ' + (f.missed || []).length + ' missed message(s)'));
    }
    cls.lastJoin = Date.now();
    recovery();
  }

  function recovery() {
    $('recovery').textContent = cls.reconnects ? 'Reconnected ' + cls.reconnects + ' time(s), last at '
      + new Date(cls.lastJoin).toLocaleTimeString() + '; ' + cls.recovered + ' message(s) pulled or resent since.' : '';
  }

  // --- what arrives -----------------------------------------------------------------------------

  function line(cls, ...parts) {
    const log = $('chat-log');
    log.append(h('div', { class: cls }, ...parts));
    log.scrollTop = log.scrollHeight;
  }
  const system = text => line('sys', text);
  const who = from => from ? from.role + ' ' + from.uin : '';

  /** Important messages (in seq order, once each) and messages without a seq (tally, hand outcomes). */
  function message(m) {
    const b = m.body || {};
    const s = cls.state || (cls.state = { redpackets: [], hands: { count: 0, queue: [] } });
    switch (m.kind) {
      case 'chat': line('staff', who(m.from) + ': ', b.text); return;
      case 'signal': system('Signal from ' + who(m.from) + ': ' + JSON.stringify(b)); return;
      case 'chat.mode': cls.chatMode = b.chatMode; system('Chat is now ' + b.chatMode); break;
      case 'signin.start': s.signin = { id: b.id, closesAt: b.closesAt, signed: false }; system('Sign-in open for ' + b.durationSec + ' s'); break;
      case 'signin.end':
        delete s.signin;
        cls.signinResult = b;
        system('Sign-in closed: ' + b.signed + ' signed, ' + b.late + ' late, ' + b.absent + ' absent');
        break;
      case 'quiz.start': s.quiz = { id: b.id, options: b.options, closesAt: b.closesAt }; system('Quiz: choose one of ' + b.options.join(', ')); break;
      case 'quiz.result':
        delete s.quiz;
        cls.quizResult = b;
        system('Quiz result: ' + counts(b.counts) + (b.correct ? '; correct ' + b.correct : ''));
        break;
      case 'redpacket.send':
        s.redpackets = (s.redpackets || []).concat([{ id: b.id, count: b.count, left: b.count, expiresAt: b.expiresAt }]);
        system('Red packet: ' + b.count + ' shares, ' + cents(b.totalCents) + ' in all');
        break;
      case 'redpacket.end':
        s.redpackets = (s.redpackets || []).filter(p => p.id !== b.id);
        cls.packetResult = b;
        system('Red packet ' + b.id + ' done: ' + b.grabbed + ' grabbed ' + cents(b.claimedCents) + ', ' + cents(b.unclaimedCents) + ' unclaimed');
        break;
      case 'kick': system('User ' + b.uin + ' was removed by ' + who(m.from)); break;
      case 'tally': cls.tally = b; if (b.hands) s.hands = Object.assign(s.hands || {}, b.hands); break;
      case 'hand.accepted': s.hands.raised = false; system('The teacher accepted your hand: you may speak'); break;
      case 'hand.dismissed': s.hands.raised = false; system('The teacher dismissed your hand'); break;
      case 'hand.cleared': s.hands.raised = false; system('Hands were cleared'); break;
      default: system(m.kind + ' ' + JSON.stringify(b));
    }
    draw();
  }

  /** Unimportant items, merged by the server: students' chat and the flower total. */
  function normal(item) {
    if (item.kind === 'chat') line('', who(item.from) + ': ', (item.body || {}).text);
    else if (item.kind === 'flowers') { cls.flowers = item.body.total; draw(); }
  }

  const counts = c => Object.entries(c || {}).map(([k, v]) => k + ' ' + v).join(', ');
  const cents = c => (c / 100).toFixed(2);

  // --- acting -----------------------------------------------------------------------------------

  async function act(kind, body, done) {
    try {
      const sent = await client.send(me.room, kind, body);
      if (done) done(sent.result || {});
    } catch (e) { refused(e); }
    draw();
  }

  $('chat-send').addEventListener('click', () => {
    const text = $('chat-text').value.trim();
    if (text) act('chat', { text }, () => { $('chat-text').value = ''; });
  });
  $('chat-text').addEventListener('keydown', e => { if (e.key === 'Enter') $('chat-send').click(); });

  function draw() {
    const s = cls.state || { redpackets: [], hands: { count: 0, queue: [] } };
    $('chat-mode').textContent = 'chat ' + cls.chatMode;
    if (staff()) {
      if (!teacher) teacher = teacherForms();
      if (!$('controls').contains(teacher.root)) $('controls').replaceChildren(teacher.root);
      teacher.update(s);
    } else {
      $('controls').replaceChildren(h('div', {}, studentControls(s)));
    }
  }

  let teacher;

  /**
   * The teacher's forms, built once so what is typed survives the live updates (tallies arrive
   * every half second); only the live parts are redrawn.
   */
  function teacherForms() {
    const duration = h('input', { id: 'signin-duration', type: 'number', value: 60, min: 1, size: 4 });
    const options = h('input', { id: 'quiz-options', value: 'A,B,C,D', size: 10 });
    const correct = h('input', { id: 'quiz-correct', value: 'B', size: 2 });
    const shares = h('input', { id: 'rp-count', type: 'number', value: 10, min: 1, size: 4 });
    const total = h('input', { id: 'rp-cents', type: 'number', value: 1000, min: 1, size: 7 });
    const live = { signin: h('div'), quiz: h('div'), packets: h('div'), hands: h('div') };
    const start = {
      signin: h('button', { id: 'signin-start', class: 'primary', onclick: () => act('signin.start', { durationSec: Number(duration.value) }) }, 'Start sign-in'),
      quiz: h('button', { id: 'quiz-start', class: 'primary', onclick: () => act('quiz.start', {
        options: options.value.split(',').map(o => o.trim()).filter(Boolean), correct: correct.value.trim() || undefined, durationSec: 120 }) }, 'Start quiz'),
    };
    const root = h('div', {},
      h('h2', {}, 'Sign-in'), h('div', { class: 'row' }, h('label', {}, 'seconds ', duration), start.signin), live.signin,
      h('h2', {}, 'Quiz'), h('div', { class: 'row' }, h('label', {}, 'choices ', options), h('label', {}, 'correct ', correct), start.quiz), live.quiz,
      h('h2', {}, 'Red packets'), h('div', { class: 'row' }, h('label', {}, 'shares ', shares), h('label', {}, 'cents ', total),
        h('button', { id: 'rp-send', class: 'primary', onclick: () => act('redpacket.send',
          { count: Number(shares.value), totalCents: Number(total.value), durationSec: 120 }) }, 'Send')), live.packets,
      h('h2', {}, 'Hands and flowers'), live.hands);
    function update(s) {
      const t = cls.tally || {};
      const sr = cls.signinResult, qr = cls.quizResult, pr = cls.packetResult;
      start.signin.disabled = !!s.signin;
      start.quiz.disabled = !!s.quiz;
      live.signin.replaceChildren(...[
        s.signin ? h('div', { class: 'row' }, h('span', { id: 'signin-live' }, 'open: ' + ((t.signin && t.signin.open && t.signin.signed) || 0)
          + ' of ' + ((t.signin && t.signin.expected) || '?') + ' signed'),
        h('button', { id: 'signin-end', onclick: () => act('signin.end', { id: s.signin.id }) }, 'End sign-in')) : null,
        sr ? h('p', { id: 'signin-result' }, 'Last sign-in: ' + sr.signed + ' signed, ' + sr.late + ' late, ' + sr.absent + ' absent of ' + sr.total) : null,
      ].filter(Boolean));
      live.quiz.replaceChildren(...[
        s.quiz ? h('div', { class: 'row' }, h('span', { id: 'quiz-live' }, ((t.quiz && t.quiz.open && t.quiz.answered) || 0) + ' answered: '
          + counts(t.quiz && t.quiz.open && t.quiz.counts)),
        h('button', { id: 'quiz-end', onclick: () => act('quiz.end', { id: s.quiz.id }) }, 'End quiz')) : null,
        qr ? h('p', { id: 'quiz-result' }, 'Last quiz: ' + qr.answered + ' answered (' + counts(qr.counts) + ')'
          + (qr.correct ? '; correct ' + qr.correct + ': ' + qr.right + ' right' : '')) : null,
      ].filter(Boolean));
      live.packets.replaceChildren(...[
        s.redpackets.length ? h('p', {}, 'Live: ' + s.redpackets.map(p => '#' + p.id + ' (' + p.count + ' shares)').join(', ')) : null,
        pr ? h('p', { id: 'rp-result' }, 'Last packet: ' + pr.grabbed + ' grabbed, ' + cents(pr.claimedCents) + ' claimed, '
          + pr.unclaimed + ' shares (' + cents(pr.unclaimedCents) + ') unclaimed') : null,
      ].filter(Boolean));
      live.hands.replaceChildren(
        h('div', { class: 'row' }, h('span', { class: 'badge', id: 'hands-count' }, 'hands up ' + ((s.hands && s.hands.count) || 0)),
          h('span', { class: 'badge', id: 'flowers' }, 'flowers ' + cls.flowers),
          h('button', { id: 'hands-clear', onclick: () => act('hand.clear', {}) }, 'Clear hands')),
        h('ol', { id: 'hands' }, ((s.hands && s.hands.queue) || []).map(uin => h('li', {}, 'student ' + uin + ' ',
          h('button', { onclick: () => act('hand.accept', { uin }) }, 'Accept'), ' ',
          h('button', { onclick: () => act('hand.dismiss', { uin }) }, 'Dismiss')))));
    }
    return { root, update };
  }

  function studentControls(s) {
    const hands = s.hands || {};
    return [
      h('h2', {}, 'Class'),
      h('div', { class: 'row' },
        s.signin ? h('button', { id: 'signin', class: 'primary', disabled: s.signin.signed,
          onclick: () => act('signin', { id: s.signin.id }, () => { s.signin.signed = true; }) }, s.signin.signed ? 'Signed in' : 'Sign in') : null,
        h('button', { id: 'hand', onclick: () => act(hands.raised ? 'hand.lower' : 'hand.raise', {}, () => { hands.raised = !hands.raised; }) },
          hands.raised ? 'Lower hand' : 'Raise hand'),
        h('button', { id: 'flower', onclick: () => act('flower', {}, r => { cls.flowers = r.total; }) }, 'Send a flower'),
        h('span', { class: 'badge', id: 'flowers' }, 'flowers ' + cls.flowers)),
      s.quiz ? h('div', { class: 'panel', id: 'quiz' }, h('strong', {}, 'Quiz '), s.quiz.answer ? 'you answered ' + s.quiz.answer
        : s.quiz.options.map(o => h('button', { class: 'choice', dataset: { choice: o },
          onclick: () => act('answer', { quiz: s.quiz.id, choice: o }, () => { s.quiz.answer = o; }) }, o))) : null,
      (s.redpackets || []).map(p => h('div', { class: 'panel' }, 'Red packet #' + p.id + ' ',
        p.grabbed ? h('span', { class: 'grabbed' }, 'you got ' + cents(p.grabbed))
          : h('button', { class: 'primary grab', onclick: () => act('redpacket.grab', { id: p.id }, r => { p.grabbed = r.cents; cls.grabs.push(r.cents); }) }, 'Grab'))),
      cls.grabs.length ? h('p', { id: 'my-grabs', dataset: { cents: cls.grabs.reduce((a, b) => a + b, 0) } },
        'Your red packets: ' + cls.grabs.map(cents).join(', ')) : null,
      cls.quizResult ? h('p', { id: 'quiz-result' }, 'Last quiz: ' + counts(cls.quizResult.counts)
        + (cls.quizResult.correct ? '; the answer was ' + cls.quizResult.correct : '')) : null,
    ];
  }
  // for a look from the browser's console (and the browser tests): the page's client
  window.ketangClassroom = { get client() { return client; } };
})();
