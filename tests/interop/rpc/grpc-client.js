// Calls the openledger gRPC API from @grpc/grpc-js, loading the .proto files at run time.
// Usage: node grpc-client.js <host:port> <proto directory> <address to query>
// Prints one JSON object with the answers; exits 1 with the error if an unexpected call fails.
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";
import { ethers } from "ethers";

const [target, protoDir, address] = process.argv.slice(2);

const definition = protoLoader.loadSync(
  ["openledger/v1/tx.proto", "openledger/v1/query.proto", "openledger/v1/node.proto"],
  { includeDirs: [protoDir], longs: String, enums: String, defaults: true, oneofs: true },
);
const v1 = grpc.loadPackageDefinition(definition).openledger.v1;
const credentials = grpc.credentials.createInsecure();
const node = new v1.NodeService(target, credentials);
const query = new v1.QueryService(target, credentials);
const tx = new v1.TxService(target, credentials);

function call(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

async function main() {
  const out = {};
  const status = await call(node, "Status", {});
  out.status = { chainId: status.chainId, height: status.height, headHash: status.headHash, syncing: status.syncing, peerCount: status.peerCount };

  const account = await call(query, "GetAccount", { address });
  out.account = { address: account.address, balance: account.balance, nonce: account.nonce };
  try {
    await call(query, "GetAccount", { address: "0x1234" });
    out.badAddress = "no error";
  } catch (e) {
    out.badAddress = { code: e.code, details: e.details };
  }

  const block = await call(query, "GetBlock", { block: { tag: "BLOCK_TAG_LATEST" } });
  out.block = { number: block.header.number, transactionHashes: block.transactionHashes.length };

  const wallet = new ethers.Wallet("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  const signed = await wallet.signTransaction({
    type: 2, chainId: 161200, nonce: 5, to: address, value: 12345n, gasLimit: 21000,
    maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n,
  });
  const broadcast = await call(tx, "Broadcast", { rawTransaction: Buffer.from(signed.slice(2), "hex") });
  out.broadcast = { hash: broadcast.transactionHash, expected: ethers.Transaction.from(signed).hash };
  try {
    await call(tx, "Broadcast", { rawTransaction: Buffer.from(signed.slice(2), "hex") });
    out.duplicate = "no error";
  } catch (e) {
    out.duplicate = { code: e.code, details: e.details };
  }
  return out;
}

main().then(
  (out) => { console.log(JSON.stringify(out)); node.close(); query.close(); tx.close(); process.exit(0); },
  (e) => { console.error(e); process.exit(1); },
);
