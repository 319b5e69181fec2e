import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP relay in front of PostgreSQL that a test can cut and restore: cut, it
 * drops every open connection and refuses new ones, as a stopped server does.
 */
export class DatabaseRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly host: string,
    private readonly targetPort: number,
    public port: number,
  ) {}

  static async start(host: string, targetPort: number): Promise<DatabaseRelay> {
    const relay = new DatabaseRelay(host, targetPort, 0);
    await relay.listen();
    return relay;
  }

  /** Stops listening and drops every connection. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Listens again, on the same port. */
  restore(): Promise<void> {
    return this.listen();
  }

  close(): Promise<void> {
    return this.cut();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.targetPort, this.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }
}
