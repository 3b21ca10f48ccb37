// Ketang's reference JavaScript client (protocol v1, docs/protocol.md).
//
//   const client = new KetangClient({ url: ['wss://a.example/ws', 'wss://b.example/ws'], token: () => fetchToken(), terminal: 'web' });
//   client.addEventListener('message', e => show(e.detail));   // important messages, in seq order, once each
//   client.addEventListener('batch', e => showChat(e.detail));  // merged chat, flowers, hands
//   client.connect();
//   await client.join('math-101');
//   await client.send('math-101', 'chat', { text: 'hello' });
//
// It reconnects with backoff, resumes every room with `since` (so nothing important is lost), acks
// what it holds, pulls gaps, and tells the page to reload a room whose history ran out ('reload').
// `url` is one node or a list: after a connection is lost the next one in the list is tried, so a
// dead or draining node's students move to another. A connection silent for `livenessMs` (no frame
// at all, heartbeat replies included; by default 2.5 heartbeat intervals) is given up as lost, so a
// frozen node or a dead network path is left before the server's timeout of three intervals.
// Events: welcome, joined, state (the classroom after each joined), message, batch, presence,
// pulled (a gap or a backlog filled), kicked, muted, reload, error, close.
(function (global) {
  'use strict';

  const NO_RECONNECT = new Set([4401, 4403, 4409]); // bad token, forbidden, replaced by a newer login

  class KetangClient extends EventTarget {
    constructor({ url, token, terminal = 'web', client = 'ketang-js/1', ackEveryMs = 1000, maxBackoffMs = 30000, livenessMs }) {
      super();
      this.urls = Array.isArray(url) ? url.slice() : [url];
      this.at = 0;              // index of the node in use
      this.livenessMs = livenessMs;
      this.token = typeof token === 'function' ? token : () => token;
      this.terminal = terminal;
      this.clientName = client;
      this.ackEveryMs = ackEveryMs;
      this.maxBackoffMs = maxBackoffMs;
      // room -> { held: last seq held with no gap, pending: Map(seq -> msg), ackEveryMs: the room's ack pace, ackedAt }
      this.rooms = new Map();
      this.calls = new Map();   // frame id -> { resolve, reject }
      this.nextId = 1;
      this.attempt = 0;
      this.closedByUser = false;
      this.paced = Promise.resolve();  // the turn of the next send refused for a rate limit
    }

    connect() {
      this.closedByUser = false;
      this.open();
    }

    /**
     * Leaves for good: says `bye`, and the server closes the socket once what it queued is written
     * (a client's own close during a write costs the server a thread; at the end of a class, one
     * per student). Closes it here if the server has not within 2 s, or at once before `welcome`.
     */
    close() {
      this.closedByUser = true;
      this.stopTimers();
      const socket = this.socket;
      if (!socket) return;
      if (this.welcomed && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: 'bye' }));
        setTimeout(() => { if (socket.readyState !== WebSocket.CLOSED) socket.close(1000, 'bye'); }, 2000);
      } else {
        socket.close(1000, 'bye');
      }
    }

    /** Joins a room; after a reconnect the client rejoins it by itself, with `since`. */
    join(room) {
      if (!this.rooms.has(room)) this.rooms.set(room, { held: null, pending: new Map(), ackEveryMs: 0, ackedAt: 0 });
      return this.joinFrame(room);
    }

    leave(room) {
      this.rooms.delete(room);
      return this.call({ type: 'leave', room });
    }

    /**
     * Resolves with the `sent` reply (with `seq` for important kinds), rejects with the error frame.
     * Over a rate limit it waits the `retryAfterMs` the server gave and sends again (up to 10 times).
     * Refused sends take turns, one wait after another, so a burst drains at the rate the server
     * allows instead of retrying all at once; a page that sends too fast is slowed down, never cut off.
     */
    async send(room, kind, body = {}) {
      let turn = this.paced;
      for (let attempt = 0; ; attempt++) {
        await turn;
        try {
          return await this.call({ type: 'send', room, kind, body });
        } catch (e) {
          if (e.code !== 'RATE_LIMITED' || attempt >= 10) throw e;
          const wait = e.retryAfterMs || 1000;
          turn = this.paced = this.paced.then(() => new Promise(resolve => setTimeout(resolve, wait)));
        }
      }
    }

    members(room, { role, terminal, after = 0, limit = 100 } = {}) {
      return this.call({ type: 'members', room, role, terminal, after, limit });
    }

    // --- the connection -------------------------------------------------------

    async open() {
      let token;
      try {
        token = await this.token();
      } catch (e) {
        this.emit('error', { code: 'UNAUTHORIZED', message: 'no token: ' + e.message });
        return this.retry();
      }
      const socket = new WebSocket(this.urls[this.at], 'ketang.v1');
      this.socket = socket;
      this.welcomed = false;
      this.lastFrameAt = Date.now();
      socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', token, terminal: this.terminal, client: this.clientName }));
      socket.onmessage = e => {
        this.lastFrameAt = Date.now();
        const frame = JSON.parse(e.data);
        for (const f of frame.type === 'frames' ? frame.frames : [frame]) this.onFrame(f);
      };
      socket.onclose = e => this.lost(socket, e.code, e.reason);
    }

    /** The connection is over (closed, broken or silent): tell the page, and go on with the next node. */
    lost(socket, code, reason) {
      if (socket !== this.socket) return;
      this.socket = null;
      socket.onclose = socket.onmessage = null;
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      this.stopTimers();
      for (const { reject } of this.calls.values()) reject({ code: 'UNAVAILABLE', message: 'connection closed' });
      this.calls.clear();
      this.emit('close', { code, reason });
      if (this.closedByUser || NO_RECONNECT.has(code)) return;
      this.at = (this.at + 1) % this.urls.length;
      this.retry(code === 4503 ? 0 : undefined);
    }

    retry(delayMs) {
      this.attempt++;
      const backoff = Math.min(this.maxBackoffMs, 500 * 2 ** Math.min(this.attempt, 6));
      const wait = delayMs !== undefined ? delayMs : backoff / 2 + Math.random() * backoff / 2;
      setTimeout(() => this.closedByUser || this.open(), wait);
    }

    stopTimers() {
      clearInterval(this.heartbeat);
      clearInterval(this.acker);
      clearInterval(this.watchdog);
    }

    onFrame(f) {
      switch (f.type) {
        case 'welcome':
          this.attempt = 0;
          this.welcomed = true;
          this.heartbeat = setInterval(() => this.raw({ type: 'hb' }), f.heartbeatSec * 1000);
          this.acker = setInterval(() => this.ackAll(), this.ackEveryMs);
          const liveness = this.livenessMs || 2500 * f.heartbeatSec;
          const socket = this.socket;
          this.watchdog = setInterval(() => {
            if (Date.now() - this.lastFrameAt > liveness) this.lost(socket, 1006, 'silent for ' + liveness + ' ms');
          }, Math.min(1000, liveness / 4));
          // rooms held from before (a reconnect) are joined again first, so a page that joins a
          // new room on 'welcome' sends one join for it, not two
          for (const room of this.rooms.keys()) this.joinFrame(room);
          this.emit('welcome', f);
          break;
        case 'joined': {
          const state = this.rooms.get(f.room);
          if (state) {
            state.ackEveryMs = f.ackEveryMs || 0;
            if (f.recovered === false) {
              state.held = f.seq;           // start over from the head: the page reloads the room's state
              state.pending.clear();
              this.emit('reload', f);
            } else {
              if (state.held === null) state.held = f.seq;
              for (const m of f.missed || []) this.onMessage(m);
              if (f.more) this.pull(f.room);
            }
          }
          this.resolve(f);
          this.emit('joined', f);
          break;
        }
        case 'msg':
          if (f.seq === undefined) this.emit('message', f); else this.onMessage(f);
          break;
        case 'pulled':
          this.emit('pulled', f);
          for (const m of f.msgs) this.onMessage(m);
          if (f.recovered === false) this.emit('reload', f);
          if (f.more) this.pull(f.room);
          this.resolve(f);
          break;
        case 'ack': {
          const state = this.rooms.get(f.room);
          if (state && f.ackEveryMs) state.ackEveryMs = f.ackEveryMs;
          if (state && state.held !== null && f.head > state.held) this.pull(f.room);
          break;
        }
        case 'batch': this.emit('batch', f); break;
        case 'presence': this.emit('presence', f); break;
        case 'state': this.emit('state', f); break;
        case 'kicked': this.rooms.delete(f.room); this.emit('kicked', f); break;
        case 'muted': this.emit('muted', f); break;
        case 'error': this.reject(f); this.emit('error', f); break;
        case 'hb': break;
        default: this.resolve(f);
      }
    }

    /** Important messages: in seq order, each once; a jump is held back and the gap pulled. */
    onMessage(m) {
      const state = this.rooms.get(m.room);
      if (!state) return;
      if (state.held === null) state.held = m.seq - 1;
      if (m.seq <= state.held) return;                 // already held
      state.pending.set(m.seq, m);
      if (m.seq > state.held + 1 && state.pending.size === 1) this.pull(m.room);
      while (state.pending.has(state.held + 1)) {
        const next = state.pending.get(state.held + 1);
        state.pending.delete(state.held + 1);
        state.held = next.seq;
        if (next.kind !== 'void') this.emit('message', next);
      }
    }

    pull(room) {
      const state = this.rooms.get(room);
      if (state && state.held !== null) this.raw({ type: 'pull', id: this.nextId++, room, after: state.held, limit: 500 });
    }

    /** Acks each room at its pace: every ackEveryMs, or as seldom as the server asks (a large class). */
    ackAll() {
      const now = Date.now();
      for (const [room, state] of this.rooms) {
        if (state.held === null || now - state.ackedAt < state.ackEveryMs - this.ackEveryMs / 2) continue;
        state.ackedAt = now;
        this.raw({ type: 'ack', room, seq: state.held });
      }
    }

    joinFrame(room) {
      const state = this.rooms.get(room);
      const frame = { type: 'join', room };
      if (state && state.held !== null) frame.since = { seq: state.held };
      return this.call(frame);
    }

    call(frame) {
      const id = this.nextId++;
      return new Promise((resolve, reject) => {
        if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
          return reject({ code: 'UNAVAILABLE', message: 'not connected' });
        }
        this.calls.set(id, { resolve, reject });
        this.raw({ ...frame, id });
      });
    }

    raw(frame) {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
    }

    resolve(f) {
      const call = f.id !== undefined && this.calls.get(f.id);
      if (call) { this.calls.delete(f.id); call.resolve(f); }
    }

    reject(f) {
      const call = f.id !== undefined && this.calls.get(f.id);
      if (call) { this.calls.delete(f.id); call.reject(f); }
    }

    emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }
  }

  global.KetangClient = KetangClient;
})(typeof window !== 'undefined' ? window : globalThis);
