// The two ends of the network benchmark, run inside namespaces (`nsenter --net=… node tcp-peer.js …`):
//   sink <port>                      accept connections, count bytes, answer 1-byte pings
//   send <host> <port> <MiB>         stream MiB and print MiB/s
//   ping <host> <port> <count>       sequential 1-byte request/response, print p50/p99 in µs
import net from 'node:net';

const [mode, a, b, c] = process.argv.slice(2);

if (mode === 'sink') {
  net
    .createServer({ noDelay: true }, (s) => {
      s.on('data', (d: Buffer) => {
        if (d.length === 1 && d[0] === 0x70) s.write('o');
      });
      s.on('error', () => undefined);
    })
    .listen(Number(a), '0.0.0.0', () => process.stdout.write('ready\n'));
} else if (mode === 'send') {
  const total = Number(c) * 1024 * 1024;
  const chunk = Buffer.alloc(256 * 1024, 1);
  const s = net.connect({ host: a, port: Number(b) }, () => {
    const start = process.hrtime.bigint();
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!s.write(chunk)) return void s.once('drain', pump);
      }
      s.end(() => {
        const secs = Number(process.hrtime.bigint() - start) / 1e9;
        process.stdout.write(`${(total / 1024 / 1024 / secs).toFixed(0)}\n`);
        s.destroy();
      });
    };
    pump();
  });
} else if (mode === 'ping') {
  const count = Number(c);
  const s = net.connect({ host: a, port: Number(b), noDelay: true }, () => {
    const times: number[] = [];
    let t0 = process.hrtime.bigint();
    s.on('data', () => {
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
      if (times.length === count) {
        times.sort((x, y) => x - y);
        process.stdout.write(`${times[Math.floor(count / 2)]!.toFixed(0)} ${times[Math.floor(count * 0.99)]!.toFixed(0)}\n`);
        s.destroy();
        return;
      }
      t0 = process.hrtime.bigint();
      s.write('p');
    });
    s.write('p');
  });
}
