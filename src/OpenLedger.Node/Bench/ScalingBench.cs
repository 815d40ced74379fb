using System.Diagnostics;
using System.Globalization;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Genesis;
using OpenLedger.Node.Hosting;
using OpenLedger.Storage;

namespace OpenLedger.Node.Bench;

/// <summary>
/// In-process scaling measurements on a real RocksDB chain with the node's modules (docs/performance.md):
/// the time to build (execute + state root) and commit a block of transfers at a given number of accounts, and
/// block replay (what a syncing node does per block: decode, recover, re-execute, verify roots, commit) versus the
/// rate the same blocks were built, with the process RSS sampled along the way. Networking is not part of it.
/// </summary>
public sealed class ScalingBench(TextWriter progress)
{
    private static readonly PrivateKey Operator = DevKey("operator");
    private static readonly PrivateKey Consensus = DevKey("consensus");

    /// <summary>Blocks built and committed before the measured ones: the first blocks of a process run partly on unoptimised JIT code.</summary>
    public const int DefaultWarmUpBlocks = 2;

    /// <summary>Measured blocks per account count.</summary>
    public const int DefaultMeasuredBlocks = 10;

    private static readonly TimeSpan CompactionWaitLimit = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Blocks of <paramref name="transfersPerBlock"/> transfers to random existing accounts at <paramref name="accounts"/>
    /// accounts: the chain is created from genesis, brought to where a running node is (see <paramref name="settle"/>),
    /// <paramref name="warmUpBlocks"/> blocks are built and committed unmeasured (JIT tiering, caches), then
    /// <paramref name="blocks"/> are measured.
    /// </summary>
    /// <param name="settle">
    /// Before the blocks: load the state cache's upper trie levels (the node does this in the background after it
    /// opens the chain) and wait for RocksDB's flushes and compactions after the genesis write (a node that has been
    /// running has finished them; right after a 1M genesis they keep a core busy for many seconds).
    /// </param>
    public ScalingReport.BlockExecution MeasureBlockExecution(int accounts, int transfersPerBlock, int blocks, string directory,
        int warmUpBlocks = DefaultWarmUpBlocks, bool settle = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmUpBlocks);
        var senders = Enumerable.Range(0, transfersPerBlock).Select(i => DevKey($"sender-{i}")).ToArray();
        var genesis = CreateGenesis(accounts, senders);
        var modules = ModuleCatalog.Create(genesis);
        // VmHWM is the process's peak; reset it so this phase's peak is not an earlier phase's (or the document's build).
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var rssBeforeGenesis = Rss.CurrentMiB();
        var peakResettable = Rss.ResetPeak();
        var setup = Stopwatch.StartNew();
        var rocks = RocksDbStore.Open(directory);
        var db = new CountingKeyValueStore(rocks);
        var chain = Blockchain.Open(db, genesis, modules.Registry, modules.LoadParameters);
        var setupSeconds = setup.Elapsed.TotalSeconds;
        var genesisPeak = peakResettable ? Rss.PeakMiB() : (double?)null;
        var rssAfterGenesis = Rss.CurrentMiB();
        // What the running chain keeps once the genesis build's garbage is collected.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var rssSettled = Rss.CurrentMiB();
        progress.WriteLine($"scaling: {accounts:N0} accounts in genesis, chain created in {setupSeconds:F1} s, peak RSS while creating {genesisPeak:F0} MiB " +
                           $"(process {rssBeforeGenesis:F0} MiB before, holding the genesis document), {rssAfterGenesis:F0} MiB after, {rssSettled:F0} MiB after a full GC");

        double? cacheWarmSeconds = null, compactionWaitSeconds = null;
        if (settle)
        {
            var watch = Stopwatch.StartNew();
            var read = chain.WarmNodeCache();
            cacheWarmSeconds = Math.Round(watch.Elapsed.TotalSeconds, 2);
            watch.Restart();
            var idle = rocks.WaitForBackgroundWork(CompactionWaitLimit);
            compactionWaitSeconds = Math.Round(watch.Elapsed.TotalSeconds, 1);
            progress.WriteLine($"scaling: {accounts:N0} accounts: state cache warmed with {read:N0} trie nodes in {cacheWarmSeconds} s, " +
                               (idle ? $"RocksDB idle after {compactionWaitSeconds} s" : $"RocksDB still compacting after {compactionWaitSeconds} s (measuring anyway)"));
        }

        var random = new Random(accounts);
        var build = new List<double>();
        var buildCpu = new List<double>();
        var buildThreadCpu = new List<double>();
        var commit = new List<double>();
        var trieReads = new List<double>();
        var flatReads = new List<double>();
        for (var b = 0; b < warmUpBlocks + blocks; b++)
        {
            var measured = b >= warmUpBlocks;
            var txs = senders.Select(key => Transfer(genesis.ChainId, key, (ulong)b, AccountAddress(random.Next(accounts)), chain.NextBaseFee)).ToList();
            foreach (var tx in txs) chain.Senders.TryGetSender(tx, out _, out _); // admission already did this
            var trieReadsBefore = db.Reads(DbColumn.TrieNodes);
            var flatReadsBefore = db.Reads(DbColumn.FlatState);
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var threadCpuBefore = CallingThreadCpuMs();
            var watch = Stopwatch.StartNew();
            var executed = chain.BuildBlock(chain.Head.TimestampMs + 500, Consensus.Address, LastCommit(chain), txs, []);
            var buildMs = watch.Elapsed.TotalMilliseconds;
            var threadCpuMs = CallingThreadCpuMs() is { } threadCpuAfter && threadCpuBefore is { } before ? threadCpuAfter - before : (double?)null;
            var cpuMs = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
            var blockTrieReads = db.Reads(DbColumn.TrieNodes) - trieReadsBefore;
            var blockFlatReads = db.Reads(DbColumn.FlatState) - flatReadsBefore;
            if (executed.Block.Transactions.Count != txs.Count)
                throw new InvalidOperationException($"block {executed.Block.Number} dropped {txs.Count - executed.Block.Transactions.Count} transfers: {executed.Result.Dropped.FirstOrDefault().Item2?.Message}");
            watch.Restart();
            chain.CommitBlock(executed, SignCommit(genesis.ChainId, executed.Block));
            var commitMs = watch.Elapsed.TotalMilliseconds;
            var what = FormattableString.Invariant($"scaling: {accounts:N0} accounts, block {executed.Block.Number}{(measured ? "" : " (warm-up)")}:");
            progress.WriteLine(what + FormattableString.Invariant(
                $" build {buildMs:F1} ms (process CPU {cpuMs:F1}, calling thread {threadCpuMs:F1}), commit {commitMs:F1} ms, {blockTrieReads} trie-node and {blockFlatReads} flat-row reads"));
            if (!measured) continue;
            build.Add(buildMs);
            buildCpu.Add(cpuMs);
            if (threadCpuMs is { } t) buildThreadCpu.Add(t);
            commit.Add(commitMs);
            trieReads.Add(blockTrieReads);
            flatReads.Add(blockFlatReads);
        }
        var blockCacheAfterBlocks = rocks.BlockCacheUsageBytes;
        var nodeCacheAfterBlocks = chain.NodeCache.Count;
        db.Dispose();

        // A restart: the database exists, so opening it only checks the genesis (no rebuild) and loads the head.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Rss.ResetPeak();
        var reopen = Stopwatch.StartNew();
        double reopenSeconds;
        using (var reopenedDb = RocksDbStore.Open(directory))
        {
            var reopened = Blockchain.Open(reopenedDb, genesis, modules.Registry, modules.LoadParameters);
            reopenSeconds = reopen.Elapsed.TotalSeconds;
            if (reopened.Head.Hash != chain.Head.Hash) throw new InvalidOperationException($"reopened chain is at {reopened.Head.Number}, expected {chain.Head.Number}");
        }
        var reopenPeak = peakResettable ? Rss.PeakMiB() : (double?)null;
        progress.WriteLine($"scaling: {accounts:N0} accounts: reopened in {reopenSeconds:F2} s, peak RSS while reopening {reopenPeak:F0} MiB");

        var report = new ScalingReport.BlockExecution
        {
            Accounts = accounts,
            TransfersPerBlock = transfersPerBlock,
            Blocks = blocks,
            ChainSetupSeconds = Math.Round(setupSeconds, 1),
            MedianBuildMs = Math.Round(Median(build), 1),
            MedianBuildCpuMs = Math.Round(Median(buildCpu), 1),
            MedianBuildThreadCpuMs = buildThreadCpu.Count > 0 ? Math.Round(Median(buildThreadCpu), 1) : null,
            MedianCommitMs = Math.Round(Median(commit), 1),
            WarmUpBlocks = warmUpBlocks,
            MinBuildMs = Math.Round(build.Min(), 1),
            MaxBuildMs = Math.Round(build.Max(), 1),
            MedianTrieNodeReads = Median(trieReads),
            MedianFlatRowReads = Median(flatReads),
            StateCacheWarmSeconds = cacheWarmSeconds,
            CompactionWaitSeconds = compactionWaitSeconds,
            StateCacheNodesAfterBlocks = nodeCacheAfterBlocks,
            RssBeforeGenesisMiB = rssBeforeGenesis,
            GenesisPeakRssMiB = genesisPeak,
            RssAfterGenesisMiB = rssAfterGenesis,
            ReopenSeconds = Math.Round(reopenSeconds, 2),
            ReopenPeakRssMiB = reopenPeak,
            RssSettledMiB = rssSettled,
            RssAfterBlocksMiB = Rss.CurrentMiB(),
            BlockCacheAfterBlocksMiB = Math.Round(blockCacheAfterBlocks / 1048576.0, 1),
        };
        progress.WriteLine($"scaling: {accounts:N0} accounts: build {report.MedianBuildMs} ms (process CPU {report.MedianBuildCpuMs} ms, calling thread {report.MedianBuildThreadCpuMs} ms), " +
                           $"commit {report.MedianCommitMs} ms, {report.MedianTrieNodeReads} trie-node reads (median of {blocks} after {warmUpBlocks} warm-up blocks)");
        return report;
    }

    /// <summary>
    /// Builds and commits <paramref name="blocks"/> blocks on one chain (timed, RSS sampled), then replays them on a
    /// fresh chain from their stored bytes as block sync does (timed).
    /// </summary>
    public ScalingReport.Sync MeasureSync(int blocks, int transfersPerBlock, string directory)
    {
        var senders = Enumerable.Range(0, transfersPerBlock).Select(i => DevKey($"sender-{i}")).ToArray();
        progress.WriteLine($"scaling: signing {blocks * transfersPerBlock:N0} transfers for {blocks} blocks");
        var sink = AccountAddress(0);
        ulong chainId = ChainParameters.DevnetChainId;
        var perBlock = new List<List<Transaction>>(blocks);

        var rss = new List<double>();
        var encoded = new List<(byte[] Block, Commit Commit)>(blocks);
        double buildSeconds;
        using (var db = RocksDbStore.Open(Path.Combine(directory, "producer")))
        {
            var (chain, genesis) = OpenChain(db, 1_000, senders);
            chainId = genesis.ChainId;
            var fee = 100 * chain.NextBaseFee;
            for (var b = 0; b < blocks; b++)
                perBlock.Add(senders.Select(key => Transfer(chainId, key, (ulong)b, sink, fee)).ToList());
            foreach (var txs in perBlock)
                foreach (var tx in txs) chain.Senders.TryGetSender(tx, out _, out _);
            GC.Collect();
            var watch = Stopwatch.StartNew();
            for (var b = 0; b < blocks; b++)
            {
                var executed = chain.BuildBlock(chain.Head.TimestampMs + 500, Consensus.Address, LastCommit(chain), perBlock[b], []);
                var commit = SignCommit(chainId, executed.Block);
                chain.CommitBlock(executed, commit);
                encoded.Add((executed.Encoded, commit));
                if (b % Math.Max(1, blocks / 10) == 0 || b == blocks - 1) rss.Add(Rss.CurrentMiB());
            }
            buildSeconds = watch.Elapsed.TotalSeconds;
        }
        perBlock.Clear();
        progress.WriteLine($"scaling: built and committed {blocks} blocks in {buildSeconds:F2} s; RSS samples {string.Join(", ", rss.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))} MiB");

        double replaySeconds;
        using (var db = RocksDbStore.Open(Path.Combine(directory, "follower")))
        {
            var (chain, _) = OpenChain(db, 1_000, senders);
            GC.Collect();
            var watch = Stopwatch.StartNew();
            foreach (var (bytes, commit) in encoded)
            {
                var block = Block.Decode(bytes);
                if (!CommitVerifier.TryVerify(commit, chain.Validators, chain.ChainId, block.Number, block.Hash, out var error))
                    throw new InvalidOperationException($"replay: commit of block {block.Number} does not verify: {error}");
                chain.CommitBlock(chain.ExecuteBlock(block), commit);
            }
            replaySeconds = watch.Elapsed.TotalSeconds;
            if (chain.Head.Number != (ulong)blocks) throw new InvalidOperationException($"replay ended at {chain.Head.Number}, expected {blocks}");
        }
        var report = new ScalingReport.Sync
        {
            Blocks = blocks,
            TransfersPerBlock = transfersPerBlock,
            BuildBlocksPerSec = Math.Round(blocks / buildSeconds, 1),
            ReplayBlocksPerSec = Math.Round(blocks / replaySeconds, 1),
            ReplayTxPerSec = Math.Round(blocks * transfersPerBlock / replaySeconds, 0),
            ReplayVsBuild = Math.Round(buildSeconds / replaySeconds, 2),
            ReplayVsDevnetInterval = Math.Round(blocks / replaySeconds / 2.0, 1),
            RssSamplesMiB = rss,
        };
        progress.WriteLine($"scaling: replayed {blocks} blocks in {replaySeconds:F2} s ({report.ReplayBlocksPerSec} blocks/s)");
        return report;
    }

    private static (Blockchain Chain, GenesisDocument Genesis) OpenChain(IKeyValueStore db, int accounts, PrivateKey[] senders)
    {
        var genesis = CreateGenesis(accounts, senders);
        var modules = ModuleCatalog.Create(genesis);
        return (Blockchain.Open(db, genesis, modules.Registry, modules.LoadParameters), genesis);
    }

    private static GenesisDocument CreateGenesis(int accounts, PrivateKey[] senders)
    {
        var genesis = GenesisBuilder.New(ChainParameters.DevnetChainId, 1_767_225_600_000);
        genesis = GenesisBuilder.AddAccount(genesis, Operator.Address, Wei.FromOpen(20_000));
        genesis = GenesisBuilder.AddValidator(genesis, Operator, Consensus.PublicKey, Wei.FromOpen(10_000), 500, "bench");
        // Built directly rather than through AddAccount, which copies the list per account.
        var list = genesis.Accounts.ToList();
        UInt128 allocated = 0;
        foreach (var key in senders)
        {
            list.Add(new GenesisAccount { Address = key.Address, Balance = Wei.FromOpen(1_000) });
            allocated += Wei.FromOpen(1_000);
        }
        for (var i = 0; i < accounts; i++)
        {
            list.Add(new GenesisAccount { Address = AccountAddress(i), Balance = Wei.PerOpen });
            allocated += Wei.PerOpen;
        }
        return genesis with { Accounts = list, Treasury = genesis.Treasury - allocated };
    }

    private static Transaction Transfer(ulong chainId, PrivateKey from, ulong nonce, Address to, UInt128 baseFee) =>
        TransactionSigner.Sign(new UnsignedTransaction
        {
            Type = TxType.DynamicFee, ChainId = chainId, Nonce = nonce, MaxPriorityFeePerGas = Wei.PerGwei,
            MaxFeePerGas = 4 * baseFee + Wei.PerGwei, GasLimit = 21_000, To = to, Value = 1,
        }, from);

    private static Commit LastCommit(Blockchain chain) => chain.Store.GetCommit(chain.Head.Number) ?? Commit.Empty;

    private static Commit SignCommit(ulong chainId, Block block)
    {
        var digest = Vote.SigningDigest(chainId, VoteType.Precommit, block.Number, 0, block.Hash);
        return new Commit
        {
            Height = block.Number, Round = 0, BlockHash = block.Hash,
            Signatures = [new CommitSignature(Consensus.Address, Consensus.Sign(digest).ToCompact65())],
        };
    }

    /// <summary>Distinct, deterministic account addresses spread over the whole key space.</summary>
    private static Address AccountAddress(int index) =>
        new(Keccak256.HashToArray(BitConverter.GetBytes(index))[12..]);

    private static PrivateKey DevKey(string label) =>
        new(Keccak256.HashToArray(System.Text.Encoding.UTF8.GetBytes("openledger-bench/" + label)));

    /// <summary>CPU time of the current thread in ms (Linux: CLOCK_THREAD_CPUTIME_ID), or null where unavailable.</summary>
    private static double? CallingThreadCpuMs()
    {
        if (!OperatingSystem.IsLinux()) return null;
        return clock_gettime(ClockThreadCpuTimeId, out var time) == 0 ? time.Seconds * 1000.0 + time.Nanoseconds / 1e6 : null;
    }

    private const int ClockThreadCpuTimeId = 3;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }
}
