// A loopback proxy in front of prism for the container test: sends Accept: application/json (prism answers 406 to
// GitHub's vendored type), and logs every request and prism's status as JSON lines for the test to check.
//   node proxy.mjs LISTEN_PORT PRISM_PORT LOG_FILE
import { createServer, request } from 'node:http';
import { appendFileSync } from 'node:fs';

const [listenPort, prismPort, logFile] = process.argv.slice(2);
createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers = { ...req.headers, accept: 'application/json', host: `127.0.0.1:${prismPort}` };
    const fwd = request({ host: '127.0.0.1', port: prismPort, method: req.method, path: req.url, headers }, (pr) => {
      const out = [];
      pr.on('data', (c) => out.push(c));
      pr.on('end', () => {
        appendFileSync(logFile, JSON.stringify({ method: req.method, path: req.url, status: pr.statusCode, body: body.toString('utf8'), auth: req.headers.authorization ? 'present' : 'absent' }) + '\n');
        res.writeHead(pr.statusCode, pr.headers);
        res.end(Buffer.concat(out));
      });
    });
    fwd.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    fwd.end(body);
  });
}).listen(Number(listenPort), '127.0.0.1', () => console.log(`proxy ready on ${listenPort}`));
