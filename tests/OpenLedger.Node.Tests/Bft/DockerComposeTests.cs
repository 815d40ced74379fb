using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenLedger.Node.Config;
using OpenLedger.Node.Devnet;
using OpenLedger.Node.Tests.Support;
using Xunit;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>
/// No Docker engine runs where the tests run, so docker/docker-compose.yml is checked against what the CLI
/// really generates: its init service's command line, run natively, creates a home for every validator
/// service; each service runs `node --home` on its own home; the homes listen on 0.0.0.0 at the container
/// ports the compose file publishes and the Dockerfile exposes; and every home dials every other validator
/// by its compose service name and real peer id.
/// </summary>
public sealed partial class DockerComposeTests
{
    private const string VolumeMount = "/devnet";

    [Fact]
    public async Task The_compose_file_runs_the_homes_its_init_service_generates()
    {
        var services = ParseCompose(File.ReadAllLines(Path.Combine(RepositoryRoot, "docker", "docker-compose.yml")));
        var validators = services.Keys.Where(name => name.StartsWith("node", StringComparison.Ordinal)).Order().ToArray();
        Assert.Equal(4, validators.Length);

        // The init service, with the volume's mount point replaced by a temporary directory.
        var dir = Path.Combine(Path.GetTempPath(), "ol-compose-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var init = services["init"].Command.Select(a => a.Replace(VolumeMount, dir, StringComparison.Ordinal)).ToArray();
            var result = await ProcessRunner.RunOpenLedgerAsync(init, TimeSpan.FromSeconds(120));
            Assert.True(result.ExitCode == 0, result.ToString());
            var manifest = DevnetManifest.Load(Path.Combine(dir, "devnet.json"));
            Assert.Equal(validators, manifest.Nodes.Select(n => n.Name).Order().ToArray());

            var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot, "docker", "Dockerfile"));
            var exposed = ExposeLine().Match(dockerfile).Groups["ports"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
            Assert.Contains($"mkdir -p /data {VolumeMount}", dockerfile, StringComparison.Ordinal);

            foreach (var name in validators)
            {
                var service = services[name];
                Assert.Equal(new[] { "node", "--home", $"{VolumeMount}/{name}" }, service.Command);
                Assert.Contains($"devnet:{VolumeMount}", service.Volumes);
                var home = Path.Combine(dir, name);
                var config = NodeConfig.Load(home);
                Assert.True(File.Exists(config.Resolve(home, config.GenesisFile)));
                Assert.True(File.Exists(config.Resolve(home, config.ConsensusKeyFile!)));

                // Listeners: all interfaces inside the container, on the ports the file publishes and the image exposes.
                var listens = new[] { config.JsonRpcListen, config.GrpcListen, config.MetricsListen };
                Assert.All(listens, l => Assert.StartsWith("0.0.0.0:", l, StringComparison.Ordinal));
                var containerPorts = service.Ports.Select(p => int.Parse(p[(p.LastIndexOf(':') + 1)..])).ToHashSet();
                Assert.Equal(listens.Select(l => int.Parse(l[(l.LastIndexOf(':') + 1)..])).ToHashSet(), containerPorts);
                Assert.All(service.Ports, p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
                Assert.Equal($"/ip4/0.0.0.0/tcp/{DevnetRunner.ContainerP2PPort}", config.P2PListen);
                Assert.Subset(exposed, containerPorts.Append(DevnetRunner.ContainerP2PPort).ToHashSet());

                // Bootnodes: every other validator service by name, with the peer id of the node key in its home.
                var expected = validators.Where(other => other != name)
                    .Select(other => $"/dns4/{other}/tcp/{DevnetRunner.ContainerP2PPort}/p2p/{PeerIdOf(Path.Combine(dir, other))}")
                    .Order().ToArray();
                Assert.Equal(expected, config.Bootnodes.Order().ToArray());
            }

            // Host ports do not collide.
            var hostPorts = validators.SelectMany(v => services[v].Ports).Select(p => p.Split(':')[1]).ToArray();
            Assert.Equal(hostPorts.Length, hostPorts.Distinct().Count());

            // Running the init service again keeps the same chain (a restarted compose project must not regenerate keys).
            var genesisBefore = File.ReadAllText(Path.Combine(dir, "genesis.json"));
            var again = await ProcessRunner.RunOpenLedgerAsync(init, TimeSpan.FromSeconds(120));
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal(genesisBefore, File.ReadAllText(Path.Combine(dir, "genesis.json")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static string PeerIdOf(string home)
    {
        var config = NodeConfig.Load(home);
        return OpenLedger.Network.Identity.NodeKey.Load(config.Resolve(home, config.NodeKeyFile)).PeerId.ToString();
    }

    private sealed record Service(string[] Command, string[] Volumes, string[] Ports);

    /// <summary>
    /// The subset of YAML the compose file is written in: services at two spaces, their keys at four, and
    /// command / volumes / ports as one-line flow sequences of quoted strings (which are JSON arrays).
    /// </summary>
    private static Dictionary<string, Service> ParseCompose(string[] lines)
    {
        var services = new Dictionary<string, Service>();
        var inServices = false;
        string? current = null;
        var keys = new Dictionary<string, string[]>();
        void Flush()
        {
            if (current is null) return;
            services[current] = new Service(keys.GetValueOrDefault("command", []), keys.GetValueOrDefault("volumes", []), keys.GetValueOrDefault("ports", []));
            keys = new Dictionary<string, string[]>();
        }
        foreach (var line in lines)
        {
            if (line.StartsWith('#') || line.Trim().Length == 0) continue;
            if (!line.StartsWith(' '))
            {
                Flush();
                current = null;
                inServices = line.TrimEnd() == "services:";
                continue;
            }
            if (!inServices) continue;
            if (ServiceLine().Match(line) is { Success: true } service)
            {
                Flush();
                current = service.Groups["name"].Value;
            }
            else if (KeyLine().Match(line) is { Success: true } key && key.Groups["value"].Value.StartsWith('['))
            {
                keys[key.Groups["key"].Value] = JsonSerializer.Deserialize<string[]>(key.Groups["value"].Value)!;
            }
        }
        Flush();
        return services;
    }

    private static string RepositoryRoot =>
        typeof(DockerComposeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepositoryRoot").Value!;

    [GeneratedRegex(@"^  (?<name>[a-z0-9_-]+):\s*$")]
    private static partial Regex ServiceLine();

    [GeneratedRegex(@"^    (?<key>[a-z_]+):\s*(?<value>.*)$")]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"(?m)^EXPOSE (?<ports>[0-9 ]+)$")]
    private static partial Regex ExposeLine();
}
