// The page's one WebSocket to /ws (server/PROTOCOL.md): hello on every (re)connect,
// requests answered by `ack`/`error` through their `ref`, listeners per message type, and
// reconnection with backoff after a dropped connection. The server names the player from the
// arena_session cookie (a named person) or else the arena_guest cookie, so signing in or out
// reopens the socket (reopen()). Browser main thread only.

import { toast } from './util.js';

// A protocol client that survives dropped connections; one per page load (see socket()).
export class ArenaSocket {
  constructor(url) {
    this.url = url;
    this.ws = null;
    this.player = null;          // from `welcome` on the current connection
    this.lastPlayer = null;      // from the latest `welcome` (kept while reconnecting)
    this.listeners = new Map();  // type -> Set(fn)
    this.pending = new Map();    // ref -> {resolve, reject, timer}
    this.nextRef = 1;
    this.retry = 0;
    this.openWaiters = [];
    this.connect();
  }

  connect() {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    this.status('connecting');
    ws.addEventListener('open', () => {
      this.retry = 0;
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, ref: 'hello' }));
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;  // a connection reopen() replaced
      let m;
      try {
        m = JSON.parse(ev.data);
      } catch {
        return;
      }
      const before = this.lastPlayer;
      if (m.type === 'welcome') {
        this.player = m.player;
        this.lastPlayer = m.player;
        this.status('online');
        const waiters = this.openWaiters;
        this.openWaiters = [];
        waiters.forEach((fn) => fn());
      }
      if ((m.type === 'ack' || m.type === 'error') && m.ref !== undefined && this.pending.has(m.ref)) {
        const p = this.pending.get(m.ref);
        this.pending.delete(m.ref);
        clearTimeout(p.timer);
        if (m.type === 'ack') p.resolve(m);
        else p.reject(Object.assign(new Error(m.message ?? m.code), { code: m.code, retry_after_s: m.retry_after_s }));
      } else if (m.type === 'error' && m.ref !== 'hello') {
        toast(`${m.code}: ${m.message}`);
      }
      this.emit(m.type, m);
      if (m.type === 'welcome') {
        this.emit('reconnected', m);
        if (before?.id !== m.player?.id || before?.name !== m.player?.name) this.emit('identity', m.player);
      }
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.status('offline — reconnecting');
      this.failPending();
      const delay = Math.min(5000, 250 * 2 ** this.retry++);
      setTimeout(() => this.connect(), delay);
    });
  }

  failPending() {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(Object.assign(new Error('connection lost'), { code: 'disconnected' }));
    }
    this.pending.clear();
  }

  status(text) {
    this.state = text;
    const el = document.getElementById('conn');
    if (el) {
      el.textContent = text;
      el.dataset.state = text.split(' ')[0];
    }
  }

  get ready() {
    return this.ws?.readyState === WebSocket.OPEN && this.player !== null;
  }

  // Resolves once a `welcome` arrived on the current connection.
  whenOpen() {
    return this.ready && this.state === 'online' ? Promise.resolve() : new Promise((r) => this.openWaiters.push(r));
  }

  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type)?.delete(fn);
  }

  emit(type, m) {
    for (const fn of [...(this.listeners.get(type) ?? [])]) {
      try {
        fn(m);
      } catch (e) {
        console.warn('listener failed', e);
      }
    }
  }

  // Sends without waiting for an answer (e.g. resync, whose answer is a `state`).
  async send(msg) {
    await this.whenOpen();
    this.ws.send(JSON.stringify(msg));
  }

  // Sends a request and resolves its `ack` (rejects with {code, message} on `error`).
  async request(msg, timeoutMs = 15000) {
    await this.whenOpen();
    const ref = `r${this.nextRef++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(Object.assign(new Error(`no answer to ${msg.type}`), { code: 'timeout' }));
      }, timeoutMs);
      this.pending.set(ref, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ ...msg, ref }));
    });
  }

  // Drops the connection on purpose (the reconnection path; used by tests and "reconnect").
  drop() {
    this.ws?.close();
  }

  // Closes the connection and opens a new one at once, e.g. after signing in or out: the new
  // `welcome` names the new player (an `identity` event follows when it changed).
  reopen() {
    const old = this.ws;
    this.ws = null;  // its close event must not schedule a reconnect
    this.player = null;
    this.failPending();
    old?.close();
    this.retry = 0;
    this.connect();
  }
}

let shared = null;
// The page's shared socket, made on first use.
export function socket() {
  if (!shared) {
    const url = new URL('/ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    shared = new ArenaSocket(url.href);
    window.arenaSocket = shared;  // for debugging and the browser test's dropped-connection check
  }
  return shared;
}
