using System.Diagnostics;
using System.Runtime.InteropServices;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Genesis;
using OpenLedger.Node.Cli;
using OpenLedger.Node.Config;
using OpenLedger.Node.Hosting;

namespace OpenLedger.Node.Devnet;

/// <summary>
/// `openledger devnet`: generates one genesis for N validators and M funded dev accounts, gives each
/// validator its own home and loopback ports, starts every node as a separate `openledger node` process,
/// waits until all of them serve RPC and the chain makes progress, writes DIR/devnet.json, and stops the
/// nodes cleanly on Ctrl-C / SIGTERM. Re-running with the same DIR restarts the same devnet.
/// </summary>
public sealed class DevnetRunner(string directory, int validators, int accounts, ulong chainId, TextWriter output, string? genesisFile = null)
{
    public static readonly UInt128 AccountBalance = Wei.FromOpen(1_000_000);
    public static readonly UInt128 OperatorBalance = Wei.FromOpen(200_000);
    public static readonly UInt128 SelfBond = Wei.FromOpen(100_000);

    /// <summary>The fixed ports every node of a container layout listens on inside its own container.</summary>
    public const int ContainerP2PPort = 26656;
    public const int ContainerGrpcPort = 9090;
    public const int ContainerJsonRpcPort = 8545;
    public const int ContainerMetricsPort = 9464;

    private readonly string _dir = Path.GetFullPath(directory);
    private readonly List<Process> _processes = new();

    /// <summary>
    /// Homes for containers (docker/docker-compose.yml) instead of loopback processes: every node listens on
    /// 0.0.0.0 at the fixed container ports and reaches the others by service name (/dns4/nodeI/tcp/26656/p2p/…).
    /// </summary>
    public bool ContainerLayout { get; init; }

    /// <summary>How long the nodes may take to serve RPC at block 1 or above (seven processes on a busy 2-core machine need minutes).</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public string ManifestPath => Path.Combine(_dir, "devnet.json");

    public DevnetManifest Prepare()
    {
        if (File.Exists(ManifestPath))
        {
            var existing = DevnetManifest.Load(ManifestPath);
            if (existing.Nodes.Count != validators)
                throw new InvalidOperationException($"{_dir} holds a devnet of {existing.Nodes.Count} validators; use another --home or delete it to start {validators}");
            output.WriteLine($"Restarting the devnet in {_dir} ({existing.Nodes.Count} validators)");
            return existing;
        }
        if (validators < 1) throw new ArgumentException("--validators must be at least 1");
        Directory.CreateDirectory(_dir);
        output.WriteLine($"Creating a {validators}-validator devnet in {_dir}");

        var given = genesisFile is null ? null : GenesisDocument.Load(genesisFile);
        if (given is not null) CheckGivenGenesis(given);
        var genesis = given ?? CreateGenesis(validators, accounts, chainId);
        var devAccounts = new List<DevnetAccount>();
        for (var i = 0; i < 1000; i++)
        {
            var key = DevnetKeys.Account(i);
            if (genesis.Accounts.FirstOrDefault(a => a.Address == key.Address) is not { } funded) break;
            devAccounts.Add(new DevnetAccount(key.Address.ToChecksumString(), key.ToHex(), Wei.FormatOpen(funded.Balance) + " OPEN"));
        }

        var nodes = new List<DevnetNode>();
        for (var i = 0; i < validators; i++)
        {
            var name = $"node{i}";
            var home = Path.Combine(_dir, name);
            var config = ContainerLayout ? ContainerConfig(name) : LoopbackConfig(name);
            Directory.CreateDirectory(Path.Combine(home, "keys"));
            KeyFile.Write(config.Resolve(home, config.ConsensusKeyFile!), DevnetKeys.Consensus(i));
            var init = InitCommand.Initialize(home, name, null, force: false, config);
            var operatorKey = DevnetKeys.Operator(i);
            KeyFile.Write(Path.Combine(home, "keys", "operator_key.json"), operatorKey);
            // In a container layout the URLs are the ones other containers use (the service name is the host).
            var host = ContainerLayout ? name : null;
            nodes.Add(new DevnetNode
            {
                Name = name,
                Home = home,
                Grpc = "http://" + (host is null ? config.GrpcListen : $"{host}:{ContainerGrpcPort}"),
                JsonRpc = "http://" + (host is null ? config.JsonRpcListen : $"{host}:{ContainerJsonRpcPort}"),
                Metrics = $"http://{(host is null ? config.MetricsListen : $"{host}:{ContainerMetricsPort}")}/metrics",
                P2P = (host is null ? config.P2PListen : $"/dns4/{host}/tcp/{ContainerP2PPort}") + "/p2p/" + init.PeerId,
                PeerId = init.PeerId,
                ConsensusAddress = init.ConsensusAddress!,
                OperatorAddress = operatorKey.Address.ToChecksumString(),
            });
        }

        // Every node dials all the others (the host redials with backoff), so any node can start first.
        foreach (var node in nodes)
        {
            var config = NodeConfig.Load(node.Home);
            config = config with { Bootnodes = nodes.Where(n => n.Name != node.Name).Select(n => n.P2P).ToList() };
            config.Save(node.Home);
        }

        var problems = GenesisRules.Validate(genesis);
        if (problems.Count > 0) throw new GenesisException("generated genesis is invalid: " + string.Join("; ", problems));
        var genesisPath = Path.Combine(_dir, "genesis.json");
        genesis.Save(genesisPath);
        foreach (var node in nodes) genesis.Save(Path.Combine(node.Home, "genesis.json"));

        var manifest = new DevnetManifest { ChainId = genesis.ChainId, Genesis = genesisPath, Nodes = nodes, Accounts = devAccounts };
        manifest.Save(ManifestPath);
        return manifest;
    }

    private static NodeConfig LoopbackConfig(string name) => new()
    {
        Moniker = name,
        GrpcListen = $"127.0.0.1:{DevnetPorts.Pick()}",
        JsonRpcListen = $"127.0.0.1:{DevnetPorts.Pick()}",
        MetricsListen = $"127.0.0.1:{DevnetPorts.Pick()}",
        P2PListen = $"/ip4/127.0.0.1/tcp/{DevnetPorts.Pick()}",
    };

    private static NodeConfig ContainerConfig(string name) => new()
    {
        Moniker = name,
        GrpcListen = $"0.0.0.0:{ContainerGrpcPort}",
        JsonRpcListen = $"0.0.0.0:{ContainerJsonRpcPort}",
        MetricsListen = $"0.0.0.0:{ContainerMetricsPort}",
        P2PListen = $"/ip4/0.0.0.0/tcp/{ContainerP2PPort}",
    };

    /// <summary>
    /// The devnet genesis for <paramref name="count"/> validators: dev accounts and validators all use the
    /// deterministic devnet keys, so the file can be committed (genesis/devnet.json) and any devnet recreates
    /// the keys it names.
    /// </summary>
    public static GenesisDocument CreateGenesis(int count, int accountCount, ulong chainId)
    {
        var genesis = GenesisBuilder.New(chainId, (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        for (var i = 0; i < accountCount; i++)
            genesis = GenesisBuilder.AddAccount(genesis, DevnetKeys.Account(i).Address, AccountBalance, $"dev account {i}");
        for (var i = 0; i < count; i++)
        {
            var operatorKey = DevnetKeys.Operator(i);
            genesis = GenesisBuilder.AddAccount(genesis, operatorKey.Address, OperatorBalance, $"operator of node{i}");
            genesis = GenesisBuilder.AddValidator(genesis, operatorKey, DevnetKeys.Consensus(i).PublicKey, SelfBond, 500, $"node{i}");
        }
        return genesis;
    }

    private void CheckGivenGenesis(GenesisDocument genesis)
    {
        if (genesis.Validators.Count != validators)
            throw new InvalidOperationException($"{genesisFile} has {genesis.Validators.Count} validators; run with --validators {genesis.Validators.Count}");
        for (var i = 0; i < validators; i++)
        {
            if (genesis.Validators[i].ConsensusAddress != DevnetKeys.Consensus(i).Address)
                throw new InvalidOperationException(
                    $"validator {i} of {genesisFile} does not use the devnet consensus key {i}; a devnet can only run a genesis made by `openledger devnet --write-genesis`");
        }
    }

    /// <summary>`devnet --init-only`: writes the homes, genesis and devnet.json (or keeps existing ones) without starting nodes.</summary>
    public int InitOnly()
    {
        var manifest = Prepare();
        output.WriteLine($"Devnet homes ready (chain id {manifest.ChainId}); manifest {ManifestPath}. Start each node with:");
        foreach (var n in manifest.Nodes) output.WriteLine($"  openledger node --home {n.Home}");
        output.WriteLine(ContainerLayout ? "Container layout: listeners on 0.0.0.0, bootnodes by service name (docker/docker-compose.yml)." : "Loopback layout.");
        return 0;
    }

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var manifest = Prepare();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            foreach (var node in manifest.Nodes) _processes.Add(StartNode(node, manifest.Nodes.Count));
            manifest = manifest with
            {
                Nodes = manifest.Nodes.Select((n, i) => n with { ProcessId = _processes[i].Id }).ToList(),
            };
            manifest.Save(ManifestPath);
            await WaitUntilReadyAsync(manifest, stop.Token);
            PrintSummary(manifest);
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(500, stop.Token).ContinueWith(_ => { });
                for (var i = 0; i < _processes.Count; i++)
                {
                    if (_processes[i].HasExited && !stop.IsCancellationRequested)
                    {
                        output.WriteLine($"{manifest.Nodes[i].Name} exited with code {_processes[i].ExitCode}; see {Path.Combine(manifest.Nodes[i].Home, "node.log")}");
                        stop.Cancel();
                    }
                }
            }
            return 0;
        }
        finally
        {
            await StopAllAsync();
        }
    }

    private Process StartNode(DevnetNode node, int validators)
    {
        var logPath = Path.Combine(node.Home, "node.log");
        var (process, _) = NodeProcessLauncher.Start(["--home", node.Home], logPath, NodeProcessLauncher.SharedMachineRuntimeSettings(validators));
        output.WriteLine($"  started {node.Name} (pid {process.Id}), log {logPath}");
        return process;
    }

    private async Task WaitUntilReadyAsync(DevnetManifest manifest, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var ready = new bool[manifest.Nodes.Count];
        while (!ready.All(r => r))
        {
            ct.ThrowIfCancellationRequested();
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"devnet nodes did not become ready within {ReadyTimeout.TotalSeconds:F0} s (--ready-timeout); see node.log in each node's home");
            for (var i = 0; i < ready.Length; i++)
            {
                if (ready[i]) continue;
                if (_processes[i].HasExited)
                    throw new InvalidOperationException($"{manifest.Nodes[i].Name} exited with code {_processes[i].ExitCode} during start; see {Path.Combine(manifest.Nodes[i].Home, "node.log")}");
                var height = await BlockNumberAsync(http, manifest.Nodes[i].JsonRpc, ct);
                if (height is >= 1)
                {
                    ready[i] = true;
                    output.WriteLine($"  {manifest.Nodes[i].Name} ready at block {height}");
                }
            }
            if (!ready.All(r => r)) await Task.Delay(250, ct);
        }
    }

    private static async Task<ulong?> BlockNumberAsync(HttpClient http, string url, CancellationToken ct)
    {
        try
        {
            using var content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}", System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(url, content, ct);
            var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var hex = json.RootElement.GetProperty("result").GetString();
            return Convert.ToUInt64(hex, 16);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    private void PrintSummary(DevnetManifest manifest)
    {
        output.WriteLine();
        output.WriteLine($"Devnet (chain id {manifest.ChainId}) is running. Manifest: {ManifestPath}");
        foreach (var n in manifest.Nodes)
            output.WriteLine($"  {n.Name}: JSON-RPC {n.JsonRpc}  gRPC {n.Grpc}  metrics {n.Metrics}\n         p2p {n.P2P}");
        output.WriteLine();
        output.WriteLine("Funded dev accounts (INSECURE keys, derived from public labels; devnet only):");
        foreach (var a in manifest.Accounts) output.WriteLine($"  {a.Address}  {a.PrivateKey}  {a.Balance}");
        output.WriteLine();
        output.WriteLine("Press Ctrl-C to stop.");
    }

    private async Task StopAllAsync()
    {
        foreach (var p in _processes.Where(p => !p.HasExited)) NodeProcessLauncher.SendSigterm(p.Id);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        foreach (var p in _processes)
        {
            var left = deadline - DateTime.UtcNow;
            if (left > TimeSpan.Zero)
            {
                using var timeout = new CancellationTokenSource(left);
                try
                {
                    await p.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            if (!p.HasExited)
            {
                output.WriteLine($"  pid {p.Id} did not stop in time; killing it");
                p.Kill(entireProcessTree: true);
            }
        }
        output.WriteLine("Devnet stopped.");
    }

}
