using OpenLedger.Core.Abi;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Governance;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Modules.Staking;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>
/// One system module as the wallet CLI sees it: its command name, address and ABI — taken from the module's own
/// definition (the same one docs/abi/*.json is generated from), so the CLI's calldata cannot drift from the chain's.
/// Small enums of the ABI (uint8 codes) are named so people can type and read "yes", "approved", "harmful-output".
/// </summary>
public sealed class ModuleDescriptor
{
    private readonly Dictionary<(string Member, string Parameter), Type> _enums;

    private ModuleDescriptor(string commandName, string description, SystemModuleBase module, Dictionary<(string, string), Type> enums)
    {
        CommandName = commandName;
        Description = description;
        Address = module.Address;
        Abi = module.Abi;
        _enums = enums;
    }

    public string CommandName { get; }

    public string Description { get; }

    public Address Address { get; }

    public AbiContract Abi { get; }

    public static IReadOnlyList<ModuleDescriptor> All { get; } =
    [
        new("staking", "Staking module: validators, delegations, rewards", new StakingModule(), new()),
        new("datanets", "Datanets module: datasets, contributions, reviews", new DatanetsModule(), new()
        {
            [("createDatanet", "kind")] = typeof(DatanetKind),
            [("getDatanet", "kind")] = typeof(DatanetKind),
            [("DatanetCreated", "kind")] = typeof(DatanetKind),
            [("getContribution", "status")] = typeof(ContributionStatus),
            [("ContributionReviewed", "status")] = typeof(ContributionStatus),
        }),
        new("models", "Models module: models, adapters, inference, challenges, claims", new ModelsModule(), new()
        {
            [("challenge", "reason")] = typeof(ChallengeReason),
            [("getChallenge", "reason")] = typeof(ChallengeReason),
            [("ChallengeOpened", "reason")] = typeof(ChallengeReason),
            [("getChallenge", "status")] = typeof(ChallengeStatus),
            [("ChallengeResolved", "status")] = typeof(ChallengeStatus),
            [("getInference", "status")] = typeof(InferenceStatus),
            [("FeeAttributed", "role")] = typeof(PayoutRole),
            [("AttributionRewarded", "role")] = typeof(PayoutRole),
        }),
        new("gov", "Governance module: proposals and votes", new GovernanceModule(), new()
        {
            [("vote", "option")] = typeof(VoteOption),
            [("VoteCast", "option")] = typeof(VoteOption),
            [("getProposal", "status")] = typeof(ProposalStatus),
            [("ProposalTallied", "status")] = typeof(ProposalStatus),
        }),
    ];

    /// <summary>The enum that names the values of <paramref name="parameter"/> of a function or event, if any.</summary>
    public Type? EnumOf(string member, string parameter) => _enums.GetValueOrDefault((member, parameter));

    public static ModuleDescriptor? ForAddress(Address address) => All.FirstOrDefault(m => m.Address == address);
}
