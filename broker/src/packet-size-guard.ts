import type { Duplex } from 'node:stream';

/**
 * Watch the MQTT fixed headers flowing into `stream` and call `onOversize` as soon as a packet announces more than
 * `maxBytes`. mqtt-packet (under aedes) buffers a whole packet however large, so this must be checked before it.
 * Attach after `aedes.handle(stream)`: with aedes' 'readable' listener in place, 'data' only observes what aedes reads.
 */
export function guardPacketSize(stream: Duplex, maxBytes: number, onOversize: (announced: number) => void): void {
  let state: 'header' | 'length' | 'body' = 'header';
  let remaining = 0;
  let multiplier = 1;
  let lengthBytes = 0;
  let tripped = false;

  stream.on('data', function scanHeaders(chunk: Buffer) {
    let i = 0;
    while (i < chunk.length && !tripped) {
      if (state === 'header') {
        i++;
        state = 'length';
        remaining = 0;
        multiplier = 1;
        lengthBytes = 0;
      } else if (state === 'length') {
        const byte = chunk[i++]!;
        remaining += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        lengthBytes++;
        if ((byte & 0x80) === 0 || lengthBytes === 4) {
          if (1 + lengthBytes + remaining > maxBytes) {
            tripped = true;
            onOversize(1 + lengthBytes + remaining);
            return;
          }
          state = remaining === 0 ? 'header' : 'body';
        }
      } else {
        const take = Math.min(remaining, chunk.length - i);
        i += take;
        remaining -= take;
        if (remaining === 0) state = 'header';
      }
    }
  });
}
