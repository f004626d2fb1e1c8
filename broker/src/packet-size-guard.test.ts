import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { guardPacketSize } from './packet-size-guard.ts';

/** A QoS 0 PUBLISH to topic `t` per MQTT 3.1.1 §2.2 and §3.3. */
function publish(payloadBytes: number): Buffer {
  const body = Buffer.concat([Buffer.from([0, 1, 0x74]), Buffer.alloc(payloadBytes)]);
  const length: number[] = [];
  let n = body.length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    length.push(byte);
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x30, ...length]), body]);
}

const PINGREQ = Buffer.from([0xc0, 0]);

/** Feed chunks through a paused stream read the way aedes reads it; return the announced size that tripped. */
function scan(chunks: Buffer[], max: number): number | null {
  const stream = new PassThrough();
  let tripped: number | null = null;
  stream.on('readable', function drain() {
    while (stream.read() !== null) {}
  });
  guardPacketSize(stream, max, (n) => {
    tripped = n;
  });
  for (const c of chunks) {
    stream.write(c);
    stream.read();
  }
  return tripped;
}

function bytewise(buf: Buffer): Buffer[] {
  return [...buf].map((b) => Buffer.from([b]));
}

describe('guardPacketSize', () => {
  it('lets packets up to the limit through, however they are split', () => {
    const small = Buffer.concat([publish(100), publish(1000), PINGREQ]);
    expect(scan([small], 2048)).toBeNull();
    expect(scan(bytewise(small), 2048)).toBeNull();
  });

  it('trips on the header of an oversized packet, even behind others and split byte by byte', () => {
    const stream = Buffer.concat([publish(10), publish(5000)]);
    expect(scan([stream], 2048)).toBe(publish(5000).length);
    expect(scan(bytewise(stream).slice(0, publish(10).length + 3), 2048)).toBe(publish(5000).length);
  });
});
