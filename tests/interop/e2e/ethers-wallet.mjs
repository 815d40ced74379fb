// A wallet's round trip through ethers.js v6 over the node's Ethereum JSON-RPC: EIP-1559, legacy (EIP-155)
// and EIP-2930 transfers, each waited for, with the balances, blocks, fee history and lookups it saw.
// Input (env): OL_RPC, OL_KEY (dev private key), OL_TO (recipient), OL_CHAIN_ID.
// Output: one JSON line on stdout; amounts are decimal strings so the C# test checks them exactly.
import { ethers } from "ethers";

const { OL_RPC, OL_KEY, OL_TO, OL_CHAIN_ID } = process.env;
if (!OL_RPC || !OL_KEY || !OL_TO || !OL_CHAIN_ID) throw new Error("set OL_RPC, OL_KEY, OL_TO and OL_CHAIN_ID");

// cacheTimeout -1: ethers otherwise answers a repeated call (e.g. the "pending" nonce) from a 250 ms cache.
const provider = new ethers.JsonRpcProvider(OL_RPC, Number(OL_CHAIN_ID), { staticNetwork: true, cacheTimeout: -1 });
provider.pollingInterval = 200;
const wallet = new ethers.Wallet(OL_KEY, provider);
const str = (v) => (v === null || v === undefined ? null : v.toString());

async function transfer(label, request) {
  const nonceBefore = await provider.getTransactionCount(wallet.address, "latest");
  const tx = await wallet.sendTransaction({ to: OL_TO, ...request });
  const pendingNonce = await provider.getTransactionCount(wallet.address, "pending");
  const receipt = await tx.wait(1, 30_000);
  const n = receipt.blockNumber;
  const [senderBefore, senderAfter, recipientBefore, recipientAfter] = await Promise.all([
    provider.getBalance(wallet.address, n - 1),
    provider.getBalance(wallet.address, n),
    provider.getBalance(OL_TO, n - 1),
    provider.getBalance(OL_TO, n),
  ]);
  const block = await provider.getBlock(n);
  const fetched = await provider.getTransaction(tx.hash);
  const fetchedReceipt = await provider.getTransactionReceipt(tx.hash);
  return {
    label,
    hash: tx.hash,
    type: tx.type,
    nonceBefore,
    pendingNonceAfterSend: pendingNonce,
    nonceAfter: await provider.getTransactionCount(wallet.address, "latest"),
    status: receipt.status,
    blockNumber: n,
    blockHash: receipt.blockHash,
    gasUsed: str(receipt.gasUsed),
    effectiveGasPrice: str(receipt.gasPrice),
    fee: str(receipt.fee),
    value: str(tx.value),
    senderBefore: str(senderBefore),
    senderAfter: str(senderAfter),
    recipientBefore: str(recipientBefore),
    recipientAfter: str(recipientAfter),
    block: {
      number: block.number,
      hash: block.hash,
      parentHash: block.parentHash,
      timestamp: block.timestamp,
      gasLimit: str(block.gasLimit),
      gasUsed: str(block.gasUsed),
      baseFeePerGas: str(block.baseFeePerGas),
      miner: block.miner,
      stateRoot: block.stateRoot ?? null,
      transactions: block.transactions,
    },
    tx: {
      from: fetched.from,
      to: fetched.to,
      value: str(fetched.value),
      nonce: fetched.nonce,
      chainId: str(fetched.chainId),
      type: fetched.type,
      gasLimit: str(fetched.gasLimit),
      blockNumber: fetched.blockNumber,
      blockHash: fetched.blockHash,
      accessList: fetched.accessList ?? null,
    },
    receipt: {
      from: fetchedReceipt.from,
      to: fetchedReceipt.to,
      status: fetchedReceipt.status,
      type: fetchedReceipt.type,
      index: fetchedReceipt.index,
      cumulativeGasUsed: str(fetchedReceipt.cumulativeGasUsed),
      logs: fetchedReceipt.logs.length,
    },
  };
}

const feeData = await provider.getFeeData();
const latest = await provider.getBlock("latest");
const value = ethers.parseEther("1.25");
const eip1559 = await transfer("eip1559", { value });
const legacy = await transfer("legacy", { value: 7n, type: 0, gasPrice: feeData.gasPrice * 2n });
const eip2930 = await transfer("eip2930", {
  value: 11n,
  type: 1,
  gasPrice: feeData.gasPrice * 2n,
  accessList: [{ address: OL_TO, storageKeys: [ethers.zeroPadValue("0x01", 32)] }],
});
const feeHistory = await provider.send("eth_feeHistory", ["0x4", "latest", [25, 75]]);
const network = await provider.getNetwork();

console.log(JSON.stringify({
  address: wallet.address,
  chainId: str(network.chainId),
  feeData: {
    gasPrice: str(feeData.gasPrice),
    maxFeePerGas: str(feeData.maxFeePerGas),
    maxPriorityFeePerGas: str(feeData.maxPriorityFeePerGas),
  },
  latestBaseFee: str(latest.baseFeePerGas),
  transfers: [eip1559, legacy, eip2930],
  feeHistory,
  pendingNonceAtEnd: await provider.getTransactionCount(wallet.address, "pending"),
  latestNonceAtEnd: await provider.getTransactionCount(wallet.address, "latest"),
}));
