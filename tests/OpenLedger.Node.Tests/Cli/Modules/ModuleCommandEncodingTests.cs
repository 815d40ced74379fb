using System.CommandLine;
using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Governance;
using OpenLedger.Node.Cli;
using OpenLedger.Node.Cli.Modules;
using Xunit;

namespace OpenLedger.Node.Tests.Cli.Modules;

/// <summary>The module commands' options encode exactly the calldata the module's own ABI encodes.</summary>
public class ModuleCommandEncodingTests
{
    private static ModuleDescriptor Module(string name) => ModuleDescriptor.All.Single(m => m.CommandName == name);

    private static (AbiFunction Function, byte[] Calldata) Encode(string module, string function, ICustomInputs? custom, string commandLine)
    {
        var descriptor = Module(module);
        var overloads = descriptor.Abi.Functions.Where(f => f.Name == function).ToList();
        var options = new ModuleFunctionOptions(descriptor, overloads, custom);
        var command = new RootCommand();
        foreach (var option in options.Options) command.Options.Add(option);
        var parse = command.Parse(commandLine);
        Assert.Empty(parse.Errors);
        return options.Encode(parse);
    }

    [Fact]
    public void Every_module_function_has_a_tx_or_query_subcommand()
    {
        foreach (var module in ModuleDescriptor.All)
        {
            var tx = ModuleTxCommand.Create(module);
            var query = ModuleQueryCommand.Create(module);
            foreach (var function in module.Abi.Functions)
                Assert.Contains(function.IsReadOnly ? query.Subcommands : tx.Subcommands, c => c.Name == function.Name);
        }
        Assert.Equal(["staking", "datanets", "models", "gov"], ModuleDescriptor.All.Select(m => m.CommandName));
    }

    [Fact]
    public void Undelegate_takes_an_OPEN_amount_and_encodes_like_the_ABI()
    {
        var validator = Address.FromUInt64(0x1234);
        var (function, calldata) = Encode("staking", "undelegate", null, $"--validator {validator} --amount 2.5OPEN");
        Assert.Equal(function.EncodeCall(validator, new BigInteger(2_500_000_000_000_000_000)), calldata);
        Assert.Equal("undelegate(address,uint256)", function.Signature);
    }

    [Fact]
    public void Review_picks_the_overload_from_the_options_given()
    {
        var (three, threeData) = Encode("datanets", "review", null, "--contribution-id 7 --approve yes --quality-score 9000");
        Assert.Equal("review(uint256,bool,uint16)", three.Signature);
        Assert.Equal(three.EncodeCall(new BigInteger(7), true, new BigInteger(9000)), threeData);
        var (four, fourData) = Encode("datanets", "review", null, "--contribution-id 7 --approve false --quality-score 0 --adversarial true");
        Assert.Equal("review(uint256,bool,uint16,bool)", four.Signature);
        Assert.Equal(four.EncodeCall(new BigInteger(7), false, BigInteger.Zero, true), fourData);
    }

    [Fact]
    public void Settle_inference_reads_the_influence_list()
    {
        var outputHash = "0x" + new string('c', 64);
        var (function, calldata) = Encode("models", "settleInference", new InfluenceInputs(),
            $"--request-id 3 --input-tokens 1500 --output-tokens 700 --output-hash {outputHash} --influence 1:3,2:3,5:1");
        BigInteger[] ids = [1, 2, 5];
        BigInteger[] weights = [3, 3, 1];
        var expected = function.EncodeCall(new BigInteger(3), new BigInteger(1500), new BigInteger(700), Convert.FromHexString(new string('c', 64)),
            ids.Cast<object>().ToArray(), weights.Cast<object>().ToArray());
        Assert.Equal(expected, calldata);
    }

    [Fact]
    public void Influence_file_formats_agree()
    {
        var directory = Directory.CreateTempSubdirectory("ol-influence-");
        try
        {
            var asObject = Path.Combine(directory.FullName, "object.json");
            var asPairs = Path.Combine(directory.FullName, "pairs.json");
            var asRecords = Path.Combine(directory.FullName, "records.json");
            File.WriteAllText(asObject, "{\"1\": 2, \"2\": \"1\"}");
            File.WriteAllText(asPairs, "[[1, 2], [2, 1]]");
            File.WriteAllText(asRecords, "[{\"contributionId\": 1, \"weight\": 2}, {\"contributionId\": 2, \"weight\": 1}]");
            (BigInteger, BigInteger)[] expected = [(1, 2), (2, 1)];
            Assert.Equal(expected, InfluenceInputs.Parse("@" + asObject));
            Assert.Equal(expected, InfluenceInputs.Parse("@" + asPairs));
            Assert.Equal(expected, InfluenceInputs.Parse("@" + asRecords));
            Assert.Equal(expected, InfluenceInputs.Parse("1:2, 2:1"));
            Assert.Empty(InfluenceInputs.Parse(null));
            Assert.Contains("is not id:weight", Assert.Throws<CliException>(() => InfluenceInputs.Parse("1=2")).Message);
            Assert.Contains("is not a non-negative integer", Assert.Throws<CliException>(() => InfluenceInputs.Parse("1:-2")).Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Enum_names_are_accepted_for_coded_inputs()
    {
        var (vote, voteData) = Encode("gov", "vote", null, "--proposal-id 4 --option veto");
        Assert.Equal(vote.EncodeCall(new BigInteger(4), new BigInteger(4)), voteData);
        var hash = new string('d', 64);
        var (challenge, challengeData) = Encode("models", "challenge", null, $"--request-id 1 --evidence-hash 0x{hash} --reason harmful-output");
        Assert.Equal(challenge.EncodeCall(BigInteger.One, Convert.FromHexString(hash), new BigInteger(2)), challengeData);
        var error = Assert.Throws<CliException>(() => Encode("gov", "vote", null, "--proposal-id 4 --option maybe"));
        Assert.Contains("'maybe' is not one of yes, no, abstain, veto", error.Message);
    }

    [Fact]
    public void Propose_encodes_parameter_changes_with_their_types()
    {
        var (function, calldata) = Encode("gov", "propose", new ParameterChangeInputs(),
            "--param ChallengeWindowBlocks=30 --param ContributionBond=2OPEN --description faster");
        var window = ParameterStore.EncodeChange("ChallengeWindowBlocks", AbiCodec.Encode([ParameterDefinition.Find("ChallengeWindowBlocks")!.Type], [new BigInteger(30)]));
        var bond = ParameterStore.EncodeChange("ContributionBond", AbiCodec.Encode([AbiType.UInt256], [new BigInteger(2_000_000_000_000_000_000)]));
        Assert.Equal(function.EncodeCall(new object[] { window, bond }, "faster"), calldata);
        Assert.Contains("unknown parameter 'Nope'", Assert.Throws<CliException>(() => ParameterChangeInputs.Encode("Nope=1")).Message);
    }

    [Fact]
    public void Ids_are_not_amounts_and_bad_values_are_named()
    {
        var error = Assert.Throws<CliException>(() => Encode("models", "addStake", null, "--model-id 1OPEN"));
        Assert.Contains("--model-id: '1OPEN' is not an integer", error.Message);
        error = Assert.Throws<CliException>(() => Encode("models", "settleInference", new InfluenceInputs(), "--request-id 1 --input-tokens 5000000000 --output-tokens 1 --output-hash 0x" + new string('0', 64)));
        Assert.Contains("--input-tokens: 5000000000 is out of range for uint32", error.Message);
        error = Assert.Throws<CliException>(() => Encode("models", "requestInference", null, "--model-id 1 --request-hash 0x1234"));
        Assert.Contains("--request-hash: expected 32 bytes of hex (bytes32), got 2", error.Message);
    }
}
