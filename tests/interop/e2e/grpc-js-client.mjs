// @grpc/grpc-js + @grpc/proto-loader against the node's openledger.v1 services, loading the .proto files from
// src/OpenLedger.Rpc/Protos: Status, GetAccount, Broadcast of a transfer signed with ethers, WaitReceipt.
// Input (env): OL_GRPC (host:port), OL_PROTO_DIR, OL_KEY, OL_TO, OL_CHAIN_ID.
// Output: one JSON line on stdout.
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";
import { ethers } from "ethers";

const { OL_GRPC, OL_PROTO_DIR, OL_KEY, OL_TO, OL_CHAIN_ID } = process.env;
if (!OL_GRPC || !OL_PROTO_DIR || !OL_KEY || !OL_TO || !OL_CHAIN_ID) throw new Error("set OL_GRPC, OL_PROTO_DIR, OL_KEY, OL_TO and OL_CHAIN_ID");

const definition = protoLoader.loadSync(
  ["openledger/v1/node.proto", "openledger/v1/query.proto", "openledger/v1/tx.proto"],
  { includeDirs: [OL_PROTO_DIR], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true },
);
const v1 = grpc.loadPackageDefinition(definition).openledger.v1;
const target = OL_GRPC.replace(/^http:\/\//, "");
const credentials = grpc.credentials.createInsecure();
const node = new v1.NodeService(target, credentials);
const query = new v1.QueryService(target, credentials);
const txs = new v1.TxService(target, credentials);

const call = (client, method, request) =>
  new Promise((resolve, reject) =>
    client[method](request, { deadline: Date.now() + 30_000 }, (error, response) => (error ? reject(error) : resolve(response))));

const wallet = new ethers.Wallet(OL_KEY);
const status = await call(node, "Status", {});
const before = await call(query, "GetAccount", { address: wallet.address });
const latest = await call(query, "GetBlock", { block: { tag: "BLOCK_TAG_LATEST" } });
const baseFee = BigInt(latest.header.base_fee_per_gas);
const raw = await wallet.signTransaction({
  type: 2,
  chainId: BigInt(OL_CHAIN_ID),
  nonce: Number(before.pending_nonce),
  to: OL_TO,
  value: 123_456_789n,
  gasLimit: 21_000n,
  maxPriorityFeePerGas: 1_000_000_000n,
  maxFeePerGas: baseFee * 2n + 1_000_000_000n,
});
const broadcast = await call(txs, "Broadcast", { raw_transaction: Buffer.from(ethers.getBytes(raw)) });
const receipt = await call(txs, "WaitReceipt", { hash: broadcast.transaction_hash, timeout_ms: 30_000 });
const after = await call(query, "GetAccount", { address: wallet.address, block: { number: receipt.block_number } });
const beforeAtBlock = await call(query, "GetAccount", { address: wallet.address, block: { number: String(BigInt(receipt.block_number) - 1n) } });

let rejection = null;
try {
  await call(txs, "Broadcast", { raw_transaction: Buffer.from(ethers.getBytes(raw)) });
} catch (error) {
  rejection = { code: error.code, details: error.details };
}
node.close(); query.close(); txs.close();

console.log(JSON.stringify({
  address: wallet.address,
  latestBaseFee: latest.header.base_fee_per_gas,
  status: { chain_id: status.chain_id, height: status.height, head_hash: status.head_hash, version: status.version },
  before: { nonce: before.nonce, balance: before.balance, pending_nonce: before.pending_nonce },
  expectedHash: ethers.keccak256(raw),
  broadcastHash: broadcast.transaction_hash,
  receipt: {
    success: receipt.success, block_number: receipt.block_number, gas_used: receipt.gas_used,
    effective_gas_price: receipt.effective_gas_price, from: receipt.from, to: receipt.to,
  },
  beforeAtBlock: { nonce: beforeAtBlock.nonce, balance: beforeAtBlock.balance },
  after: { nonce: after.nonce, balance: after.balance },
  resubmitRejection: rejection,
}));

