using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Node.Tests.Support;
using Xunit;

namespace OpenLedger.Node.Tests.Cli;

/// <summary>`openledger keys new|show` run as real processes.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("openledger-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task New_PrintsAnAddressAndTheKeyThatOwnsIt()
    {
        var result = await ProcessRunner.RunOpenLedgerAsync(["keys", "new"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var key = PrivateKey.FromHex(json.RootElement.GetProperty("privateKey").GetString()!);
        Assert.Equal(key.Address.ToChecksumString(), json.RootElement.GetProperty("address").GetString());
    }

    [Fact]
    public async Task NewWithOut_WritesA0600KeyFile_ShowReadsIt_AndExistingFilesAreNotOverwritten()
    {
        var path = Path.Combine(_directory, "account.json");

        var created = await ProcessRunner.RunOpenLedgerAsync(["keys", "new", "--out", path]);

        Assert.True(created.ExitCode == 0, created.ToString());
        using var printed = JsonDocument.Parse(created.StandardOutput);
        Assert.False(printed.RootElement.TryGetProperty("privateKey", out _), "the private key must not be printed with --out");
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using var file = JsonDocument.Parse(File.ReadAllText(path));
        var key = PrivateKey.FromHex(file.RootElement.GetProperty("privateKey").GetString()!);
        Assert.Equal(key.Address.ToChecksumString(), file.RootElement.GetProperty("address").GetString());
        Assert.Equal(key.Address.ToChecksumString(), printed.RootElement.GetProperty("address").GetString());

        var shown = await ProcessRunner.RunOpenLedgerAsync(["keys", "show", "--keyfile", path]);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        using var shownJson = JsonDocument.Parse(shown.StandardOutput);
        Assert.Equal(key.Address.ToChecksumString(), shownJson.RootElement.GetProperty("address").GetString());
        Assert.Equal(OpenLedger.Core.Encoding.Hex.Encode(key.PublicKey), shownJson.RootElement.GetProperty("publicKey").GetString());

        var again = await ProcessRunner.RunOpenLedgerAsync(["keys", "new", "--out", path]);
        Assert.NotEqual(0, again.ExitCode);
        Assert.StartsWith("error: ", again.StandardError);
        Assert.Contains("already exists", again.StandardError);
        using var unchanged = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(key.ToHex(), unchanged.RootElement.GetProperty("privateKey").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("managed")]
    public async Task ShowKey_MatchesKeysJson_OnEitherBackend(string? backend)
    {
        using var doc = Vectors.Load("keys.json");
        var vector = doc.RootElement[3];
        var environment = new Dictionary<string, string?> { [Secp256k1.BackendEnvironmentVariable] = backend };

        var result = await ProcessRunner.RunOpenLedgerAsync(
            ["keys", "show", "--key", vector.GetProperty("privateKey").GetString()!], environment: environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(vector.GetProperty("address").GetString(), json.RootElement.GetProperty("address").GetString());
        Assert.Equal(vector.GetProperty("publicKey").GetString(), json.RootElement.GetProperty("publicKey").GetString());
    }

    [Theory]
    [InlineData(new[] { "keys", "show" }, "give exactly one of --key HEX or --keyfile FILE")]
    [InlineData(new[] { "keys", "show", "--key", "0x1234" }, "a private key is 32 bytes")]
    [InlineData(new[] { "keys", "show", "--keyfile", "/nonexistent/openledger-key.json" }, "does not exist")]
    public async Task Show_RefusesBadInput_WithOneErrorLine(string[] args, string reason)
    {
        var result = await ProcessRunner.RunOpenLedgerAsync(args);

        Assert.NotEqual(0, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(reason, lines[0]);
    }
}
