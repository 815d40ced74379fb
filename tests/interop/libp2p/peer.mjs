// A js-libp2p peer driven by the C# interop tests over JSON lines.
// stdout: one JSON event per line ({"event": ...}); stdin: one JSON command per line ({"cmd": ...}).
// Usage: node peer.mjs [--topic <topic>]... (listens on 127.0.0.1, random port)

// Node 20 lacks Promise.withResolvers, which a transitive dependency calls at run time.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { gossipsub } = await import('@chainsafe/libp2p-gossipsub')
const { identify } = await import('@libp2p/identify')
const { ping } = await import('@libp2p/ping')
const { multiaddr } = await import('@multiformats/multiaddr')
const readline = await import('node:readline')

const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const hex = (bytes) => Buffer.from(bytes).toString('hex')

const topics = []
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--topic') topics.push(process.argv[++i])
}

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub({
      allowPublishToZeroTopicPeers: true,
      emitSelf: false,
      heartbeatInterval: 500,
      D: 4, Dlo: 2, Dhi: 8
    })
  }
})

node.addEventListener('peer:identify', (evt) => {
  const d = evt.detail
  emit({ event: 'identify', peer: d.peerId.toString(), agentVersion: d.agentVersion, protocolVersion: d.protocolVersion, protocols: d.protocols, listenAddrs: (d.listenAddrs || []).map(String) })
})
node.addEventListener('connection:open', (evt) => {
  const c = evt.detail
  emit({ event: 'connected', peer: c.remotePeer.toString(), encryption: c.encryption, multiplexer: c.multiplexer, direction: c.direction })
})
node.services.pubsub.addEventListener('subscription-change', (evt) => {
  emit({ event: 'subscription-change', peer: evt.detail.peerId.toString(), subscriptions: evt.detail.subscriptions.map(s => ({ topic: s.topic, subscribe: s.subscribe })) })
})
node.services.pubsub.addEventListener('message', (evt) => {
  const m = evt.detail
  emit({ event: 'message', topic: m.topic, data: hex(m.data), from: m.type === 'signed' ? m.from.toString() : null, type: m.type })
})

// Echo service for Yamux flow-control checks: whatever arrives goes back, then the stream closes.
await node.handle('/openledger-test/echo/1', ({ stream }) => { stream.sink(stream.source).catch(() => {}) })

for (const t of topics) node.services.pubsub.subscribe(t)
await node.start()
emit({ event: 'ready', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

async function handle (cmd) {
  switch (cmd.cmd) {
    case 'dial': {
      const conn = await node.dial(multiaddr(cmd.addr))
      return { peer: conn.remotePeer.toString(), encryption: conn.encryption, multiplexer: conn.multiplexer }
    }
    case 'ping': {
      const rtt = await node.services.ping.ping(multiaddr(cmd.addr))
      return { rtt }
    }
    case 'echo': {
      // Sends `size` patterned bytes to the peer's echo protocol and checks what comes back.
      const stream = await node.dialProtocol(multiaddr(cmd.addr), cmd.protocol)
      const size = cmd.size
      const data = new Uint8Array(size)
      for (let i = 0; i < size; i++) data[i] = (i * 7) & 255
      const sending = stream.sink((async function * () {
        for (let o = 0; o < size; o += 65536) yield data.subarray(o, Math.min(size, o + 65536))
      })())
      let received = 0
      let match = true
      for await (const chunk of stream.source) {
        const bytes = chunk.subarray()
        for (let i = 0; i < bytes.length; i++) if (bytes[i] !== data[received + i]) match = false
        received += bytes.length
      }
      await sending
      return { received, match: match && received === size }
    }
    case 'request': {
      // One request/response exchange on a raw stream: uvarint-length-prefixed request, half-close, then read
      // the uvarint-length-prefixed response (the framing of /openledger/<chainId>/status/1 and /blocks/1).
      const stream = await node.dialProtocol(multiaddr(cmd.addr), cmd.protocol)
      const body = Buffer.from(cmd.data, 'hex')
      const prefix = []
      for (let n = body.length; ; n >>>= 7) {
        if (n < 0x80) { prefix.push(n); break }
        prefix.push((n & 0x7f) | 0x80)
      }
      await stream.sink([Buffer.concat([Buffer.from(prefix), body])])
      const chunks = []
      for await (const chunk of stream.source) chunks.push(Buffer.from(chunk.subarray()))
      const all = Buffer.concat(chunks)
      let length = 0; let shift = 0; let offset = 0
      for (;;) {
        const b = all[offset++]
        length |= (b & 0x7f) << shift
        if ((b & 0x80) === 0) break
        shift += 7
      }
      return { protocol: stream.protocol, data: all.subarray(offset, offset + length).toString('hex'), complete: all.length - offset === length }
    }
    case 'subscribe': node.services.pubsub.subscribe(cmd.topic); return {}
    case 'publish': {
      const r = await node.services.pubsub.publish(cmd.topic, Buffer.from(cmd.data, 'hex'))
      return { recipients: r.recipients.map(String) }
    }
    case 'subscribers': return { peers: node.services.pubsub.getSubscribers(cmd.topic).map(String) }
    case 'mesh': return { peers: node.services.pubsub.getMeshPeers(cmd.topic).map(String) }
    case 'peerstore': {
      const { peerIdFromString } = await import('@libp2p/peer-id')
      const p = await node.peerStore.get(peerIdFromString(cmd.peer))
      return { protocols: p.protocols, agentVersion: new TextDecoder().decode(p.metadata.get('AgentVersion') ?? new Uint8Array()) }
    }
    case 'stop': await node.stop(); emit({ event: 'stopped' }); process.exit(0)
    default: throw new Error('unknown command ' + cmd.cmd)
  }
}

const rl = readline.createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  let cmd
  try { cmd = JSON.parse(line) } catch { emit({ event: 'error', error: 'bad json: ' + line }); return }
  try {
    const result = await handle(cmd)
    emit({ event: 'result', id: cmd.id, ok: true, ...result })
  } catch (e) {
    emit({ event: 'result', id: cmd.id, ok: false, error: String(e && e.message || e) })
  }
})
rl.on('close', async () => { try { await node.stop() } catch {} process.exit(0) })
