using Grpc.Core;
using OpenLedger.Rpc.Tests.Support;
using OpenLedger.Rpc.V1;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>openledger.v1.QueryService: accounts, blocks, proofs and the typed module views.</summary>
public sealed class GrpcQueryServiceTests(RpcServerFixture server) : IClassFixture<RpcServerFixture>
{
    private QueryService.QueryServiceClient Client => new(server.Channel);
    private FakeNodeBackend Chain => server.Backend;
    private static readonly string Alice = FakeNodeBackend.Alice.ToString();

    [Fact]
    public async Task Accounts_at_latest_and_errors_for_old_state_and_bad_addresses()
    {
        var account = await Client.GetAccountAsync(new GetAccountRequest { Address = Alice.ToLowerInvariant() });
        Assert.Equal(Alice, account.Address);
        Assert.Equal("100000000000000000000", account.Balance);
        Assert.Equal(3UL, account.Nonce);
        Assert.Equal(3UL, account.PendingNonce);
        Assert.False(account.IsModule);
        Assert.Equal(2UL, account.BlockNumber);
        Assert.True((await Client.GetAccountAsync(new GetAccountRequest { Address = FakeNodeBackend.Staking.ToString() })).IsModule);

        var old = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetAccountAsync(new GetAccountRequest { Address = Alice, Block = new BlockRef { Number = 1 } }));
        Assert.Equal(StatusCode.FailedPrecondition, old.StatusCode);
        Assert.Contains("state of block 1 is not kept", old.Status.Detail);

        var future = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetAccountAsync(new GetAccountRequest { Address = Alice, Block = new BlockRef { Number = 50 } }));
        Assert.Equal(StatusCode.NotFound, future.StatusCode);

        var checksummed = Core.Types.Address.Parse("0x" + string.Concat(Enumerable.Repeat("ab", 20))).ToString();
        var typoed = checksummed[..2] + (char.IsUpper(checksummed[2]) ? char.ToLowerInvariant(checksummed[2]) : char.ToUpperInvariant(checksummed[2])) + checksummed[3..];
        var typo = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetAccountAsync(new GetAccountRequest { Address = typoed }));
        Assert.Equal(StatusCode.InvalidArgument, typo.StatusCode);
        Assert.Contains("bad EIP-55 checksum", typo.Status.Detail);
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetAccountAsync(new GetAccountRequest()));
        Assert.Equal(StatusCode.InvalidArgument, missing.StatusCode);
        Assert.Equal("address is missing: expected a 0x-prefixed 20-byte address", missing.Status.Detail);
    }

    [Fact]
    public async Task Blocks_by_number_hash_and_tag()
    {
        var latest = await Client.GetBlockAsync(new GetBlockRequest());
        Assert.Equal(2UL, latest.Header.Number);
        Assert.Equal(Chain.GetBlock(2)!.Hash.ToString(), latest.Header.Hash);
        Assert.Equal(2, latest.TransactionHashes.Count);
        Assert.Empty(latest.Transactions);
        Assert.Equal("875000000", latest.Header.BaseFeePerGas);
        Assert.Equal(FakeNodeBackend.GenesisTimeMs + 1000, latest.Header.TimestampMs);

        var full = await Client.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Number = 1 }, FullTransactions = true });
        Assert.Equal(2, full.Transactions.Count);
        Assert.Equal(Chain.TransferBobToAlice.Hash.ToString(), full.Transactions[1].Hash);
        Assert.Equal(1U, full.Transactions[1].TransactionIndex);

        var byHash = await Client.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Hash = full.Header.Hash } });
        Assert.Equal(1UL, byHash.Header.Number);
        Assert.Equal(2UL, (await Client.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Tag = BlockTag.Finalized } })).Header.Number);
        Assert.Equal(0UL, (await Client.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Tag = BlockTag.Earliest } })).Header.Number);

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Number = 9 } }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal("block 9 does not exist yet: the head is block 2", missing.Status.Detail);
        var unknownHash = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Hash = "0x" + new string('5', 64) } }));
        Assert.Equal(StatusCode.NotFound, unknownHash.StatusCode);
    }

    [Fact]
    public async Task Proofs()
    {
        var proof = await Client.GetProofAsync(new GetProofRequest { Address = Alice, StorageKeys = { "0x" + new string('0', 62) + "2a" } });
        Assert.Equal("100000000000000000000", proof.Balance);
        Assert.Equal(3UL, proof.Nonce);
        Assert.Single(proof.AccountProof);
        Assert.Equal("42", proof.StorageProofs[0].Value);
        Assert.Equal(Chain.GetBlock(2)!.Header.StateRoot.ToString(), proof.StateRoot);

        var badKey = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetProofAsync(new GetProofRequest { Address = Alice, StorageKeys = { "0x01" } }));
        Assert.Equal(StatusCode.InvalidArgument, badKey.StatusCode);
        Assert.StartsWith("storage_keys[0] '0x01' is not a 32-byte hash", badKey.Status.Detail);
        var broken = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetProofAsync(new GetProofRequest { Address = FakeNodeBackend.Broken.ToString() }));
        Assert.Equal(StatusCode.Internal, broken.StatusCode);
        Assert.Contains("the trie node store is corrupt", broken.Status.Detail);
    }

    [Fact]
    public async Task Staking_views()
    {
        var validators = await Client.GetValidatorsAsync(new GetValidatorsRequest());
        var validator = Assert.Single(validators.Validators);
        Assert.Equal(Alice, validator.OperatorAddress);
        Assert.Equal("alice-node", validator.Moniker);
        Assert.Equal(500U, validator.CommissionBps);
        Assert.Equal("15000000000000000000000", validator.BondedStake);
        Assert.Equal(new byte[] { 2, 1, 2 }, validator.ConsensusPublicKey.ToByteArray());
        Assert.True(validator.Active);
        Assert.Equal(2UL, validator.MissedBlocks);
        Assert.Equal(20UL, validators.NextEpochHeight);

        var position = await Client.GetStakingAsync(new GetStakingRequest { Address = Alice });
        Assert.Equal("5000000000000000000", position.Delegations[0].Amount);
        Assert.Equal("7", position.TotalPendingRewards);
        var nobody = await Client.GetStakingAsync(new GetStakingRequest { Address = FakeNodeBackend.Bob.ToString() });
        Assert.Empty(nobody.Delegations);
        Assert.Equal("0", nobody.TotalDelegated);
    }

    [Fact]
    public async Task Datanet_contribution_model_inference_and_reward_views()
    {
        var datanet = await Client.GetDatanetAsync(new GetDatanetRequest { DatanetId = 1 });
        Assert.Equal("medical-notes", datanet.Name);
        Assert.Equal(DatanetKind.Text, datanet.Kind);
        Assert.True(datanet.Open);
        Assert.Equal(2UL, datanet.ApprovedCount);
        Assert.Equal(1UL, datanet.Versions[0].Version);

        var contribution = await Client.GetContributionAsync(new GetContributionRequest { ContributionId = 1 });
        Assert.Equal(ContributionStatus.Approved, contribution.Status);
        Assert.Equal(1024UL, contribution.SizeBytes);
        Assert.Equal(90U, contribution.QualityScore);

        var model = await Client.GetModelAsync(new GetModelRequest { ModelId = 1 });
        Assert.Equal("summarizer", model.Name);
        Assert.Equal(1U, model.Tier);
        Assert.Equal([1UL], model.DatanetIds);
        Assert.Equal("2000", model.PriceOutPerK);

        var inference = await Client.GetInferenceAsync(new GetInferenceRequest { RequestId = 1 });
        Assert.Equal(InferenceStatus.Settled, inference.Status);
        Assert.Equal("3000000000000000", inference.Fee);
        var payout = Assert.Single(inference.Payouts);
        Assert.Equal((Alice, "1800000000000000", PayoutRole.Contributor), (payout.Recipient, payout.Amount, payout.Role));
        Assert.Equal("1000000000000000", inference.PlatformFee);

        var rewards = await Client.GetRewardsAsync(new GetRewardsRequest { Address = Alice });
        Assert.Equal("123", rewards.Claimable);
        Assert.Equal("45", rewards.Locked);
        var none = await Client.GetRewardsAsync(new GetRewardsRequest { Address = FakeNodeBackend.Bob.ToString() });
        Assert.Equal("0", none.Claimable);
    }

    [Fact]
    public async Task Missing_items_bad_ids_and_bad_backend_views()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetModelAsync(new GetModelRequest { ModelId = 5 }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model 5 does not exist", missing.Status.Detail);
        var zero = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetDatanetAsync(new GetDatanetRequest()));
        Assert.Equal(StatusCode.InvalidArgument, zero.StatusCode);
        Assert.Equal("datanet_id is 0: ids start at 1", zero.Status.Detail);
        var inference = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetInferenceAsync(new GetInferenceRequest { RequestId = 3 }));
        Assert.Equal(StatusCode.NotFound, inference.StatusCode);
        var corrupt = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetModelAsync(new GetModelRequest { ModelId = 99 }));
        Assert.Equal(StatusCode.Internal, corrupt.StatusCode);
        Assert.StartsWith("the models module returned a model view that is not a valid Model", corrupt.Status.Detail);
    }
}
