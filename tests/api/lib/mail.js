// mail.js — the SMTP side of the notification tests: a sink (smtp_sink.py, Debian
// python3-aiosmtpd) that saves what it receives, and a small reader of the saved messages
// that decodes RFC 2047 headers and base64 bodies, so a test compares Chinese text, not bytes.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const script = new URL('./smtp_sink.py', import.meta.url).pathname;

// The Python that has aiosmtpd: Debian's, also when another python3 comes first on PATH.
function python() {
  for (const p of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(p, ['-c', 'import aiosmtpd'], { stdio: 'ignore' });
      return p;
    } catch { /* try the next */ }
  }
  throw new Error('no python3 with aiosmtpd (Debian package python3-aiosmtpd)');
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export class SmtpSink {
  constructor(port, dir) {
    this.port = port;
    this.dir = dir;
    this.proc = null;
  }

  async start() {
    this.proc = spawn(python(), [script, String(this.port), this.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const proc = this.proc;
    this.exited = new Promise((resolve) => proc.on('exit', resolve));
    await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('the SMTP sink did not start')), 15000);
      proc.stdout.on('data', (d) => {
        out += d;
        if (out.includes('ready')) { clearTimeout(timer); resolve(); }
      });
      proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the SMTP sink exited ${code}`)); });
    });
    return this;
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      await this.exited;
    }
    this.proc = null;
  }

  // Every message received so far, oldest first, parsed.
  messages() {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((n) => n.endsWith('.eml')).sort().map((n) => {
      const raw = readFileSync(join(this.dir, n), 'latin1');
      const envelope = JSON.parse(readFileSync(join(this.dir, n.replace(/\.eml$/, '.json')), 'utf8'));
      return { ...parseMessage(raw), envelope, raw };
    });
  }
}

// RFC 2047 encoded-words (B and Q, UTF-8) in a header value; whitespace between two
// adjacent encoded-words is dropped (RFC 2047 6.2).
export function decodeWords(value) {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  const joined = value.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(word, (_, charset, enc, text) => {
    const bytes = enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return new TextDecoder(charset).decode(bytes);
  });
}

// {headers: {lower-case name: decoded value}, body: decoded text}.
export function parseMessage(raw) {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]/g, ' ');
  const headers = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  let body = raw.slice(split + 4);
  if ((headers['content-transfer-encoding'] || '').toLowerCase() === 'base64')
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { headers, body };
}
