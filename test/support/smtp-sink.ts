import { AddressInfo, createServer } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the sink took, as the mail server received it. */
export interface ReceivedMail {
  /** The envelope's recipients (RCPT TO). */
  to: string[];
  from: string;
  messageId: string;
  subject: string;
  text: string;
  headers: Map<string, unknown>;
  /** Date.now() when the server accepted it. */
  receivedAt: number;
}

/** A refusal as an SMTP server gives it: a reply code and its text. */
export function smtpRefusal(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

export interface SmtpSink {
  url: string;
  messages: ReceivedMail[];
  /** Every RCPT TO the server was asked, with Date.now(), refused or not. */
  recipientAttempts: { address: string; at: number }[];
  /** Set to refuse a recipient (an Error from smtpRefusal), or undefined to accept it. */
  onRcptTo: ((address: string) => Error | undefined) | undefined;
  /** Set to refuse a message after its data arrived. */
  onData: ((mail: ReceivedMail) => Error | undefined) | undefined;
  /** Resolves once `predicate` holds for the received messages; fails after `timeoutMs`. */
  waitFor(predicate: (messages: ReceivedMail[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 at a free port,
 * keeping every message it accepts, parsed by `mailparser`. Refusals are
 * scripted per test through onRcptTo and onData.
 */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const sink: SmtpSink = {
    url: '',
    messages: [],
    recipientAttempts: [],
    onRcptTo: undefined,
    onData: undefined,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(sink.messages)) {
        if (Date.now() > deadline) throw new Error(`the SMTP sink did not receive what was expected in ${timeoutMs} ms (it holds ${sink.messages.length} messages)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      sink.recipientAttempts.push({ address: address.address, at: Date.now() });
      callback(sink.onRcptTo?.(address.address) ?? undefined);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: ReceivedMail = {
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            messageId: parsed.messageId ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            headers: parsed.headers,
            receivedAt: Date.now(),
          };
          const refusal = sink.onData?.(mail);
          if (refusal) return callback(refusal);
          sink.messages.push(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  sink.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return sink;
}

/**
 * A mail server that takes a whole message and then drops the connection
 * without answering — as a server that crashes, or a network that fails,
 * after the data arrived: the sender cannot know whether it was delivered.
 * Speaks just enough SMTP for nodemailer; counts the messages it took.
 */
export async function startDroppingSmtpServer(): Promise<{ url: string; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const server = createServer((socket) => {
    let inData = false;
    let buffer = '';
    socket.write('220 dropper ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received++;
          socket.destroy();
          return;
        }
        const line = buffer.indexOf('\r\n');
        if (line < 0) return;
        const command = buffer.slice(0, line).toUpperCase();
        buffer = buffer.slice(line + 2);
        if (command.startsWith('EHLO') || command.startsWith('HELO')) socket.write('250 dropper\r\n');
        else if (command.startsWith('DATA')) {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (command.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
