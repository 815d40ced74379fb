using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using OpenLedger.Rpc.Formatting;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Rpc.Grpc;

/// <summary>
/// openledger.v1.QueryService: accounts, blocks, proofs, and the module views. Module views come from
/// <see cref="INodeBackend.GetModuleView"/> as proto3 JSON and are parsed into the typed messages here.
/// </summary>
public sealed class QueryGrpcService(INodeBackend backend) : QueryService.QueryServiceBase
{
    private static readonly JsonParser ViewParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public override Task<Account> GetAccount(GetAccountRequest request, ServerCallContext context)
    {
        var address = GrpcInput.Address(request.Address, "address");
        var blockNumber = GrpcBlocks.StateBlock(backend, request.Block);
        var account = backend.GetAccount(address, blockNumber);
        return Task.FromResult(new Account
        {
            Address = address.ToString(),
            Nonce = account.Nonce,
            Balance = DecimalAmount.Format(account.Balance),
            PendingNonce = blockNumber is null ? Math.Max(backend.GetPendingNonce(address), account.Nonce) : account.Nonce,
            IsModule = account.IsModule,
            BlockNumber = blockNumber ?? backend.HeadBlockNumber,
        });
    }

    public override Task<Block> GetBlock(GetBlockRequest request, ServerCallContext context) =>
        Task.FromResult(ProtoMapper.Block(GrpcBlocks.Find(backend, request.Block), request.FullTransactions));

    public override Task<GetValidatorsResponse> GetValidators(GetValidatorsRequest request, ServerCallContext context) =>
        Task.FromResult(View<GetValidatorsResponse>("staking", "validators",
            ("includeInactive", request.IncludeInactive ? "true" : "false"))
            ?? throw GrpcInput.NotFound("the staking module has no validator set yet"));

    public override Task<StakingPosition> GetStaking(GetStakingRequest request, ServerCallContext context)
    {
        var address = GrpcInput.Address(request.Address, "address");
        return Task.FromResult(View<StakingPosition>("staking", "delegator", ("address", address.ToString()))
            ?? new StakingPosition { Address = address.ToString(), TotalDelegated = "0", TotalPendingRewards = "0" });
    }

    public override Task<Datanet> GetDatanet(GetDatanetRequest request, ServerCallContext context) =>
        Task.FromResult(View<Datanet>("datanets", "datanet", ("id", Id(request.DatanetId, "datanet_id")))
            ?? throw GrpcInput.NotFound($"datanet {request.DatanetId} does not exist"));

    public override Task<Contribution> GetContribution(GetContributionRequest request, ServerCallContext context) =>
        Task.FromResult(View<Contribution>("datanets", "contribution", ("id", Id(request.ContributionId, "contribution_id")))
            ?? throw GrpcInput.NotFound($"contribution {request.ContributionId} does not exist"));

    public override Task<Model> GetModel(GetModelRequest request, ServerCallContext context) =>
        Task.FromResult(View<Model>("models", "model", ("id", Id(request.ModelId, "model_id")))
            ?? throw GrpcInput.NotFound($"model {request.ModelId} does not exist"));

    public override Task<Inference> GetInference(GetInferenceRequest request, ServerCallContext context) =>
        Task.FromResult(View<Inference>("models", "inference", ("id", Id(request.RequestId, "request_id")))
            ?? throw GrpcInput.NotFound($"inference request {request.RequestId} does not exist"));

    public override Task<Rewards> GetRewards(GetRewardsRequest request, ServerCallContext context)
    {
        var address = GrpcInput.Address(request.Address, "address");
        return Task.FromResult(View<Rewards>("rewards", "rewards", ("address", address.ToString()))
            ?? new Rewards
            {
                Address = address.ToString(), Claimable = "0", Locked = "0", EarnedAsContributor = "0", EarnedAsModelOwner = "0",
                EarnedFromAttribution = "0", StakingRewards = "0", TotalClaimed = "0",
            });
    }

    public override Task<Proof> GetProof(GetProofRequest request, ServerCallContext context)
    {
        var address = GrpcInput.Address(request.Address, "address");
        var keys = request.StorageKeys.Select((k, i) => GrpcInput.Hash(k, $"storage_keys[{i}]")).ToArray();
        var proof = backend.GetProof(address, keys, GrpcBlocks.StateBlock(backend, request.Block));
        return Task.FromResult(ProtoMapper.Proof(proof));
    }

    /// <summary>Ids start at 1 in every module, so 0 is always a mistake (usually an unset field).</summary>
    private static string Id(ulong id, string field) =>
        id == 0 ? throw GrpcInput.Invalid($"{field} is 0: ids start at 1") : id.ToString(CultureInfo.InvariantCulture);

    private T? View<T>(string module, string query, params (string Name, string Value)[] arguments) where T : class, IMessage<T>, new()
    {
        var json = backend.GetModuleView(module, query, arguments.ToDictionary(a => a.Name, a => a.Value));
        if (json is null) return null;
        try
        {
            return ViewParser.Parse<T>(json);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(new Status(StatusCode.Internal,
                $"the {module} module returned a {query} view that is not a valid {typeof(T).Name}: {e.Message}"));
        }
    }
}
