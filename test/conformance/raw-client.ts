import { connect, type Socket } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';
import type { CredentialEntry } from '../../broker/src/credentials.ts';
import { DEMO_SCRYPT_COST, hashPassword } from '../../broker/src/password.ts';

export const PASSWORD = 'conformance-password';

/** Users for conformance tests: the gateway role may publish and subscribe its site-wide topics. */
export async function conformanceCredentials(): Promise<CredentialEntry[]> {
  const hash = await hashPassword(PASSWORD, DEMO_SCRYPT_COST);
  return [
    { username: 'gw', passwordHash: hash, role: 'gateway', site: '*' },
    { username: 'cam-n', passwordHash: hash, role: 'camera', site: 's1', gate: 'north', device: 'cam-n' },
    { username: 'dash', passwordHash: hash, role: 'dashboard', site: 's1' },
  ];
}

/** An MQTT 3.1.1 client over a bare socket, for behaviour the mqtt package hides (acks, DUP, raw CONNECTs). */
export class RawClient {
  readonly packets: Packet[] = [];
  readonly closed: Promise<void>;
  private waiters: { match: (p: Packet) => boolean; resolve: (p: Packet) => void }[] = [];

  private constructor(readonly socket: Socket) {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet: Packet) => {
      const waiter = this.waiters.find((w) => w.match(packet));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(packet);
      } else {
        this.packets.push(packet);
      }
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Open a socket, CONNECT as `username` and wait for the CONNACK. */
  static async connected(
    port: number,
    username: string,
    opts: { clientId?: string; clean?: boolean; keepalive?: number; will?: Packet } = {},
  ): Promise<{ client: RawClient; connack: Packet & { cmd: 'connack' } }> {
    const client = await RawClient.open(port);
    client.send(connectPacket(username, opts));
    const connack = (await client.next('connack')) as Packet & { cmd: 'connack' };
    return { client, connack };
  }

  send(packet: Packet): void {
    this.socket.write(mqttPacket.generate(packet));
  }

  /** The next packet of this kind (already received or still to come). */
  next(cmd: Packet['cmd'], match: (p: Packet) => boolean = () => true): Promise<Packet> {
    const test = (p: Packet) => p.cmd === cmd && match(p);
    const queued = this.packets.findIndex(test);
    if (queued >= 0) return Promise.resolve(this.packets.splice(queued, 1)[0]!);
    return new Promise((resolve) => this.waiters.push({ match: test, resolve }));
  }

  /** Packets of this kind received and not taken by `next` yet. */
  pending(cmd: Packet['cmd']): number {
    return this.packets.filter((p) => p.cmd === cmd).length;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export function connectPacket(
  username: string,
  opts: { clientId?: string; clean?: boolean; keepalive?: number; will?: Packet } = {},
): Packet {
  return {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: opts.clean ?? true,
    clientId: opts.clientId ?? username,
    keepalive: opts.keepalive ?? 0,
    username,
    password: Buffer.from(PASSWORD),
    ...(opts.will ? { will: opts.will as never } : {}),
  } as Packet;
}
