// Drives the openledger Ethereum JSON-RPC server with ethers.js v6, the way a wallet or dapp would.
// Usage: node ethers-jsonrpc.js <json-rpc url> <known facts as JSON>
// Prints one JSON object with what ethers parsed; exits 1 with the error if any call fails.
import { ethers } from "ethers";

const [url, factsJson] = process.argv.slice(2);
const facts = JSON.parse(factsJson);
const out = {};

// Any key works: the fake backend does not check signatures; ethers computes the hash we compare with.
const wallet = new ethers.Wallet("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

async function main() {
  const provider = new ethers.JsonRpcProvider(url, undefined, { batchMaxCount: 10 });
  try {
    const network = await provider.getNetwork();
    out.chainId = network.chainId.toString();
    out.blockNumber = await provider.getBlockNumber();

    const block = await provider.getBlock(1);
    out.block1 = {
      number: block.number, hash: block.hash, parentHash: block.parentHash, timestamp: block.timestamp,
      miner: block.miner, gasUsed: block.gasUsed.toString(), baseFeePerGas: block.baseFeePerGas.toString(),
      transactions: block.transactions,
    };
    const full = await provider.getBlock(2, true);
    out.block2 = { prefetched: full.prefetchedTransactions.map((t) => ({ hash: t.hash, type: t.type, from: t.from })) };

    out.balance = (await provider.getBalance(facts.alice)).toString();
    out.nonce = await provider.getTransactionCount(facts.alice, "pending");
    out.moduleCode = await provider.getCode(facts.staking);

    const tx = await provider.getTransaction(facts.transferHash);
    out.transaction = {
      hash: tx.hash, type: tx.type, from: tx.from, to: tx.to, value: tx.value.toString(), nonce: tx.nonce,
      gasLimit: tx.gasLimit.toString(), maxFeePerGas: tx.maxFeePerGas.toString(),
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas.toString(), chainId: tx.chainId.toString(),
      blockNumber: tx.blockNumber, index: tx.index, yParity: tx.signature.yParity,
    };
    const legacy = await provider.getTransaction(facts.legacyHash);
    out.legacy = { type: legacy.type, gasPrice: legacy.gasPrice.toString(), chainId: legacy.chainId.toString() };

    const receipt = await provider.getTransactionReceipt(facts.delegateHash);
    out.receipt = {
      status: receipt.status, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed.toString(),
      gasPrice: receipt.gasPrice.toString(), logs: receipt.logs.map((l) => ({ address: l.address, topics: l.topics, index: l.index })),
    };
    const failed = await provider.getTransactionReceipt(facts.failedHash);
    out.failedStatus = failed.status;

    const fees = await provider.getFeeData();
    out.fees = {
      gasPrice: fees.gasPrice.toString(), maxFeePerGas: fees.maxFeePerGas.toString(),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
    };
    out.feeHistory = await provider.send("eth_feeHistory", ["0x2", "latest", [50]]);

    const logs = await provider.getLogs({ fromBlock: 0, toBlock: "latest", address: facts.staking, topics: [facts.delegatedTopic] });
    out.logs = logs.map((l) => ({ blockNumber: l.blockNumber, transactionHash: l.transactionHash, index: l.index }));

    try {
      await provider.call({ to: facts.staking, data: "0xdeadbeef" });
      out.revert = "no error";
    } catch (e) {
      out.revert = { code: e.code, reason: e.reason };
    }

    const signed = await wallet.signTransaction({
      type: 2, chainId: 161200, nonce: 0, to: facts.bob, value: ethers.parseEther("1.5"), gasLimit: 21000,
      maxFeePerGas: ethers.parseUnits("3", "gwei"), maxPriorityFeePerGas: ethers.parseUnits("1", "gwei"),
    });
    const sent = await provider.broadcastTransaction(signed);
    out.broadcast = { hash: sent.hash, expected: ethers.Transaction.from(signed).hash, raw: signed, from: wallet.address };
    try {
      await provider.broadcastTransaction(signed);
      out.duplicate = "no error";
    } catch (e) {
      out.duplicate = { code: e.code, message: e.error?.message ?? e.message };
    }
  } finally {
    provider.destroy();
  }
}

main().then(
  () => { console.log(JSON.stringify(out)); process.exit(0); },
  (e) => { console.error(e); process.exit(1); },
);
