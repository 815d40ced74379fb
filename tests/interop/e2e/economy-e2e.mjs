// The attribution economy end to end through ethers.js v6 Contract objects built from docs/abi/*.json, against a
// running single-validator `openledger` node started from a test genesis (epochLength 40, challenge window 8,
// challenge vote period 6): a datanet with three approved contributions, a base model and a LoRA adapter, twenty
// inferences settled with influence lists, one challenge upheld by the validator's vote, an attribution epoch
// payout, claims and the validator's reward withdrawal. Then every balance the scenario touches is compared to the
// hand computation in docs/economics.md ("End-to-end example"), to the wei. The expected amounts are read from
// that section's table, so the document and this test cannot disagree silently.
//
// What is measured rather than computed by hand: each account's gas (Σ gasUsed × effectiveGasPrice of the
// transactions it sent), the base fees burned (Σ gasUsed × baseFeePerGas of every block), priority fees (zero:
// every transaction here offers no tip), the block B of the final transaction and the block of the withdrawal.
//
// Input (env): OL_RPC, OL_CHAIN_ID, OL_KEYS (JSON: curator, contributorA, contributorB, contributorC, baseOwner,
// adapterOwner, requester, challenger, validator -> private key hex), OL_DOCS (the repository's docs directory).
// Output: progress on stderr; one JSON line on stdout: {"ok": bool, "checks": [...], ...}. Exit 1 on a mismatch.
import { ethers } from "ethers";
import fs from "node:fs";
import path from "node:path";

const { OL_RPC, OL_CHAIN_ID, OL_KEYS, OL_DOCS } = process.env;
if (!OL_RPC || !OL_CHAIN_ID || !OL_KEYS || !OL_DOCS) throw new Error("set OL_RPC, OL_CHAIN_ID, OL_KEYS and OL_DOCS");

const log = (...args) => console.error(new Date().toISOString().slice(11, 23), ...args);
const provider = new ethers.JsonRpcProvider(OL_RPC, Number(OL_CHAIN_ID), { staticNetwork: true, cacheTimeout: -1 });
provider.pollingInterval = 100;

// ---- the expected numbers, from the document ------------------------------------------------------------------
const doc = fs.readFileSync(path.join(OL_DOCS, "economics.md"), "utf8");
const section = doc.split("<!-- e2e-expected:start -->")[1]?.split("<!-- e2e-expected:end -->")[0];
if (!section) throw new Error("docs/economics.md has no e2e-expected table");
const expected = {};
for (const line of section.split("\n")) {
  const m = line.match(/^\|\s*`([A-Za-z]+)`\s*\|\s*(−|-)?\s*([0-9,]+)\s*\|/);
  if (m) expected[m[1]] = (m[2] ? -1n : 1n) * BigInt(m[3].replaceAll(",", ""));
}
const need = (name) => {
  if (!(name in expected)) throw new Error(`docs/economics.md e2e table has no row \`${name}\``);
  return expected[name];
};

// ---- chain objects -------------------------------------------------------------------------------------------
const abi = (name) => JSON.parse(fs.readFileSync(path.join(OL_DOCS, "abi", `${name}.json`), "utf8"));
const address = (suffix) => ethers.getAddress("0x" + suffix.padStart(40, "0"));
const STAKING = address("a01"), DATANETS = address("a02"), MODELS = address("a03"), GOVERNANCE = address("a04");
const BURN = address("b00"), RESERVE = address("b01"), TREASURY = address("b02");
const keys = JSON.parse(OL_KEYS);
const wallets = Object.fromEntries(Object.entries(keys).map(([role, key]) => [role, new ethers.Wallet(key, provider)]));
const contract = (addr, name, role) => new ethers.Contract(addr, abi(name), wallets[role]);
const E = Number(need("epochLength")), W = Number(need("challengeWindowBlocks")), V = Number(need("challengeVotePeriodBlocks"));

// Every transaction is sent with an explicit nonce (several in flight per sender), no tip and a fixed gas limit;
// the gas each account pays is summed from its receipts.
const nonces = {};
const gasPaid = {};
const sent = [];
async function send(role, target, name, method, args, value = 0n) {
  const wallet = wallets[role];
  const nonce = nonces[role]++;
  const c = contract(target, name, role);
  const tx = await c[method](...args, { value, nonce, gasLimit: 3_000_000n, maxPriorityFeePerGas: 0n, maxFeePerGas: 50_000_000_000n });
  const receipt = await provider.waitForTransaction(tx.hash, 1, 90_000);
  if (!receipt) throw new Error(`${role} ${method}: no receipt within 90 s`);
  gasPaid[role] = (gasPaid[role] ?? 0n) + receipt.gasUsed * receipt.gasPrice;
  sent.push({ role, method, block: receipt.blockNumber });
  if (receipt.status !== 1) {
    let reason = "unknown";
    try {
      await c[method].staticCall(...args, { value, from: wallet.address, blockTag: receipt.blockNumber - 1 });
    } catch (e) {
      reason = e.reason ?? e.shortMessage ?? e.message;
    }
    throw new Error(`${role} ${method}(${args.join(", ")}) reverted in block ${receipt.blockNumber}: ${reason}`);
  }
  const events = receipt.logs.map((l) => c.interface.parseLog(l)).filter((e) => e);
  return { receipt, events, event: (n) => events.find((e) => e.name === n) ?? (() => { throw new Error(`${method}: no ${n} event`); })() };
}

async function waitForHeight(height, why) {
  const deadline = Date.now() + 180_000;
  let now = await provider.getBlockNumber();
  if (now < height) log(`waiting for block ${height} (${why}); at ${now}`);
  while (now < height) {
    if (Date.now() > deadline) throw new Error(`block ${height} (${why}) not reached within 180 s; at ${now}`);
    await new Promise((r) => setTimeout(r, 150));
    now = await provider.getBlockNumber();
  }
  return now;
}

const OPEN = 10n ** 18n;
const tracked = {
  curator: wallets.curator.address, contributorA: wallets.contributorA.address, contributorB: wallets.contributorB.address,
  contributorC: wallets.contributorC.address, baseOwner: wallets.baseOwner.address, adapterOwner: wallets.adapterOwner.address,
  requester: wallets.requester.address, challenger: wallets.challenger.address, validator: wallets.validator.address,
  reserve: RESERVE, treasury: TREASURY, burn: BURN, stakingModule: STAKING, datanetsModule: DATANETS, modelsModule: MODELS,
  governanceModule: GOVERNANCE,
};
// The chain must run the parameters the table assumes.
const governance = contract(GOVERNANCE, "governance", "curator");
for (const [parameter, row] of [["EpochLength", "epochLength"], ["ChallengeWindowBlocks", "challengeWindowBlocks"],
  ["ChallengeVotePeriodBlocks", "challengeVotePeriodBlocks"], ["ContributionBond", "contributionBond"], ["ChallengeBond", "challengeBond"]]) {
  const value = BigInt(await governance.getParameter(parameter));
  if (value !== need(row)) throw new Error(`the node runs ${parameter} = ${value}, docs/economics.md assumes ${need(row)}`);
}
for (const role of Object.keys(wallets)) nonces[role] = await provider.getTransactionCount(wallets[role].address, "pending");
const genesis = {};
for (const [name, addr] of Object.entries(tracked)) genesis[name] = await provider.getBalance(addr, 0);

// ---- 1. a datanet with three approved contributions ---------------------------------------------------------------
log("datanet");
const created = await send("curator", DATANETS, "datanets", "createDatanet", ["e2e corpus", "ipfs://e2e-corpus", 0, true]);
const datanetId = created.event("DatanetCreated").args.datanetId;
const contributionBond = need("contributionBond");
const contributions = await Promise.all(["contributorA", "contributorB", "contributorC"].map((role) =>
  send(role, DATANETS, "datanets", "contribute", [datanetId, ethers.id(`content of ${role}`), 4096, `ipfs://${role}`], contributionBond)));
const [cA, cB, cC] = contributions.map((r) => r.event("ContributionSubmitted").args.contributionId);
await Promise.all([cA, cB, cC].map((id) => send("curator", DATANETS, "datanets", "review(uint256,bool,uint16)", [id, true, 9000])));

// ---- 2. a base model and a LoRA adapter on it -----------------------------------------------------------------------
log("models");
const priceIn = need("priceInPerK"), priceOut = need("pricePerOutK");
const base = await send("baseOwner", MODELS, "models", "registerModel",
  ["base model", ethers.id("base weights"), 0, 0, [datanetId], [], [], priceIn, priceOut], need("baseStake"));
const baseId = base.event("ModelRegistered").args.modelId;
const [, adapter] = await Promise.all([
  send("baseOwner", MODELS, "models", "setAdapterRoyalty", [baseId, Number(need("royaltyBps"))]),
  send("adapterOwner", MODELS, "models", "registerModel",
    ["lora adapter", ethers.id("lora weights"), baseId, 0, [datanetId], [], [], priceIn, priceOut], need("adapterStake")),
]);
const adapterId = adapter.event("ModelRegistered").args.modelId;

// ---- 3. twenty requests: 1-10 on the base model, 11-20 on the adapter -----------------------------------------------
log("requests");
const maxFee = need("maxFee");
const requests = await Promise.all(Array.from({ length: 20 }, (_, i) =>
  send("requester", MODELS, "models", "requestInference", [i < 10 ? baseId : adapterId, ethers.id(`request ${i + 1}`)], maxFee)));
const requestIds = requests.map((r) => r.event("InferenceRequested").args.requestId);

// ---- 4. settle request 1, challenge it, uphold it; then settle the other 19 so their unlocks share one epoch ------
// Request 1 is refunded, so its timing does not matter. The other 19 unlock at settlement + W; they are sent when
// that lands in the first half of an epoch, leaving half an epoch for the settlements to spread over (checked below).
log("request 1: settle, challenge, vote");
const tokensIn = Number(need("inputTokens")), tokensOut = Number(need("outputTokens"));
const influence = (n) => (n % 2 === 1 ? [2, 1, 1] : [1, 1, 1]); // odd scenario numbers (2,1,1), even (1,1,1)
const settle = (n) => send(n <= 10 ? "baseOwner" : "adapterOwner", MODELS, "models", "settleInference",
  [requestIds[n - 1], tokensIn, tokensOut, ethers.id(`output ${n}`), [cA, cB, cC], influence(n)]);
const settledFirst = await settle(1);
const challenged = await send("challenger", MODELS, "models", "challenge", [requestIds[0], ethers.id("evidence"), 0], need("challengeBond"));
const challengeId = challenged.event("ChallengeOpened").args.challengeId;
const voting = send("validator", MODELS, "models", "voteChallenge", [challengeId, true]);
const spreadAllowance = Math.floor(E / 2);
for (;;) {
  const h = await provider.getBlockNumber();
  const position = (h + 1 + W) % E; // where the earliest unlock would land within its epoch (0 = the boundary block)
  if (position >= 1 && position <= E - spreadAllowance) break;
  await new Promise((r) => setTimeout(r, 100));
}
log("the other 19 settlements");
const rest = await Promise.all(Array.from({ length: 19 }, (_, i) => settle(i + 2)));
const voted = await voting;
const settlements = [settledFirst, ...rest];
const fees = settlements.map((s) => s.event("InferenceSettled").args.fee);
const unlocks = rest.map((s) => s.receipt.blockNumber + W);
const unlockEpochEnd = Math.ceil(unlocks[0] / E) * E;
if (!unlocks.every((u) => Math.ceil(u / E) * E === unlockEpochEnd))
  throw new Error(`test timing: the unlocks ${unlocks.join(",")} straddle an epoch boundary (E=${E}); the expected table assumes one epoch`);
const voteEnd = challenged.receipt.blockNumber + V;

// ---- 5. after the unlock epoch's payout and the challenge's resolution: claims, then the validator's rewards --------
await waitForHeight(Math.max(unlockEpochEnd, voteEnd, settledFirst.receipt.blockNumber + W) + 1, "the attribution payout and the challenge resolution");
log("claims");
const claims = await Promise.all(["contributorA", "contributorB", "contributorC", "baseOwner", "adapterOwner", "challenger"].map((role) =>
  send(role, MODELS, "models", "claim", []).then((r) => [role, r.event("Claimed").args.amount])));
const withdrawn = await send("validator", STAKING, "staking", "withdrawRewards", [wallets.validator.address]);
const B = withdrawn.receipt.blockNumber;
const Bn = BigInt(B);
if (sent.some((s) => s.block > B)) throw new Error("a transaction landed after the withdrawal");

// ---- 6. measured costs ----------------------------------------------------------------------------------------------
let baseFeesBurned = 0n, tips = 0n, txCount = 0;
for (let n = 1; n <= B; n++) {
  const block = await provider.getBlock(n, true);
  baseFeesBurned += block.gasUsed * block.baseFeePerGas;
  txCount += block.transactions.length;
  for (const hash of block.transactions) {
    const r = await provider.getTransactionReceipt(hash);
    tips += r.gasUsed * (r.gasPrice - block.baseFeePerGas);
  }
}
if (txCount !== sent.length) throw new Error(`the chain holds ${txCount} transactions up to block ${B}, the scenario sent ${sent.length}`);

// ---- 7. every balance against the document --------------------------------------------------------------------------
const epochs = BigInt(Math.floor(B / E));
const gas = (role) => gasPaid[role] ?? 0n;
const want = {
  curator: genesis.curator - gas("curator") + need("curator"),
  contributorA: genesis.contributorA - gas("contributorA") + need("contributorA"),
  contributorB: genesis.contributorB - gas("contributorB") + need("contributorB"),
  contributorC: genesis.contributorC - gas("contributorC") + need("contributorC"),
  baseOwner: genesis.baseOwner - gas("baseOwner") + need("baseOwner"),
  adapterOwner: genesis.adapterOwner - gas("adapterOwner") + need("adapterOwner"),
  requester: genesis.requester - gas("requester") + need("requester"),
  challenger: genesis.challenger - gas("challenger") + need("challenger"),
  validator: genesis.validator - gas("validator") + tips + need("validatorPerBlock") * (Bn - 1n) + need("validatorFees"),
  reserve: genesis.reserve - need("rewardPerBlock") * Bn + need("validatorPerBlock") + need("epochPot") * (epochs - 1n),
  treasury: genesis.treasury + need("treasury"),
  burn: genesis.burn + baseFeesBurned + need("burn"),
  stakingModule: genesis.stakingModule + need("stakingModule"),
  datanetsModule: genesis.datanetsModule + need("datanetsModule"),
  modelsModule: genesis.modelsModule + need("modelsModule") + need("potPerBlock") * (Bn % BigInt(E)),
  governanceModule: genesis.governanceModule + need("governanceModule"),
};
const checks = [];
for (const [name, addr] of Object.entries(tracked)) {
  const actual = await provider.getBalance(addr, B);
  checks.push({ name, address: addr, expected: want[name].toString(), actual: actual.toString(), ok: actual === want[name] });
}
// The claims themselves, per role, against the table's claim rows.
for (const [role, amount] of claims) {
  const row = `claim${role[0].toUpperCase()}${role.slice(1)}`;
  checks.push({ name: row, expected: need(row).toString(), actual: amount.toString(), ok: amount === need(row) });
}
const settledFees = fees.map(String);
checks.push({ name: "fees", expected: need("fee").toString(), actual: [...new Set(settledFees)].join(","), ok: settledFees.every((f) => f === need("fee").toString()) });
const ok = checks.every((c) => c.ok);
for (const c of checks) if (!c.ok) log(`MISMATCH ${c.name}: expected ${c.expected}, actual ${c.actual}`);
console.log(JSON.stringify({
  ok, B, epochLength: E, unlockEpochEnd, challengeBlock: challenged.receipt.blockNumber, voteBlock: voted.receipt.blockNumber,
  transactions: sent.length, baseFeesBurned: baseFeesBurned.toString(), tips: tips.toString(), checks,
  // The ids the chain assigned, so the caller can read the same objects back through the gRPC QueryService.
  ids: {
    datanet: datanetId.toString(), contributions: [cA, cB, cC].map(String), baseModel: baseId.toString(),
    adapterModel: adapterId.toString(), requests: requestIds.map(String), challenge: challengeId.toString(),
  },
  fee: need("fee").toString(), royaltyBps: need("royaltyBps").toString(), claims: Object.fromEntries(claims.map(([r, a]) => [r, a.toString()])),
}));
process.exit(ok ? 0 : 1);
