using System.Globalization;
using System.Numerics;
using Grpc.Core;
using Grpc.Net.Client;
using Google.Protobuf;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Node.Tests.EndToEnd.Support;
using OpenLedger.Rpc.V1;
using Xunit;
using Xunit.Abstractions;

namespace OpenLedger.Node.Tests.EndToEnd;

/// <summary>
/// Every bad input of SPEC §3, sent to the real node over eth_sendRawTransaction (and some over gRPC
/// Broadcast): each gets its specific error, none is pooled or mined, and the sender's nonce and balance do
/// not move over the following blocks.
/// </summary>
[Collection(DevnetCollection.Name)]
public class AdmissionErrorTests(DevnetFixture fixture, ITestOutputHelper output)
{
    private const int ServerError = -32000;
    private static readonly BigInteger CurveOrder =
        BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.AllowHexSpecifier);

    private static readonly Address Recipient = DevAccounts.Recipients[3];

    [Fact]
    public async Task EveryBadTransaction_IsRejectedOverJsonRpc_WithItsOwnError_AndChangesNothing()
    {
        var key = DevAccounts.Key(DevAccounts.Admission);
        var sender = key.Address.ToString();
        var rpc = fixture.Rpc;

        // One good transfer first, so that "nonce too low" has a used nonce to reuse.
        var good = TestTransactions.Transfer(await rpc.NonceAsync(sender, "pending"), Recipient, 1);
        var goodHash = await rpc.SendRawAsync(TestTransactions.Raw(good, key));
        Assert.NotNull(await rpc.WaitReceiptAsync(goodHash, TimeSpan.FromSeconds(30)));
        var nonce = await rpc.NonceAsync(sender);
        var balance = await rpc.BalanceAsync(sender);
        Assert.Equal(good.Nonce + 1, nonce);

        var cases = BadTransactions(key, nonce, good.Nonce, balance);
        var rejectedHashes = new List<string>();
        foreach (var (name, raw, expected) in cases)
        {
            var response = await rpc.RawCallAsync("eth_sendRawTransaction", Hex.Encode(raw));
            Assert.False(response.TryGetProperty("result", out _), $"{name} was accepted: {response}");
            var error = response.GetProperty("error");
            Assert.True(error.GetProperty("code").GetInt32() == ServerError, $"{name}: {error}");
            var message = error.GetProperty("message").GetString()!;
            output.WriteLine($"{name}: {error.GetProperty("code").GetInt32()} {message}");
            foreach (var part in expected) Assert.True(message.Contains(part, StringComparison.Ordinal), $"{name}: expected '{part}' in '{message}'");
            // The fixed text comes once: RPC must not stack it on a detail that already starts with it.
            Assert.True(message.Split(expected[0]).Length == 2, $"{name}: '{expected[0]}' should appear exactly once in '{message}'");
            rejectedHashes.Add(Keccak256.Hash(raw).ToString());
        }
        // The messages are specific: no two cases share one.
        var messages = new List<string>();
        foreach (var (_, raw, _) in cases)
            messages.Add((await rpc.RawCallAsync("eth_sendRawTransaction", Hex.Encode(raw))).GetProperty("error").GetProperty("message").GetString()!);
        Assert.Equal(messages.Count, messages.Distinct().Count());

        // Undecodable bytes are an error too, not a crash.
        var garbage = await rpc.RawCallAsync("eth_sendRawTransaction", "0x02c3010203");
        Assert.StartsWith("invalid transaction encoding", garbage.GetProperty("error").GetProperty("message").GetString());

        // Nothing was pooled, nothing mined, nothing paid: check across a few more blocks.
        var head = await rpc.BlockNumberAsync();
        await rpc.WaitForBlockAsync(head + 3, TimeSpan.FromSeconds(30));
        Assert.Equal(nonce, await rpc.NonceAsync(sender));
        Assert.Equal(nonce, await rpc.NonceAsync(sender, "pending"));
        Assert.Equal(balance, await rpc.BalanceAsync(sender));
        foreach (var hash in rejectedHashes)
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, (await rpc.CallAsync("eth_getTransactionByHash", hash)).ValueKind);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, (await rpc.CallAsync("eth_getTransactionReceipt", hash)).ValueKind);
        }
    }

    [Fact]
    public async Task BadTransactions_OverGrpcBroadcast_GetTheMatchingStatusCode_AndChangeNothing()
    {
        var key = DevAccounts.Key(DevAccounts.AdmissionGrpc);
        using var channel = GrpcChannel.ForAddress(fixture.Devnet.GrpcUrl);
        var tx = new TxService.TxServiceClient(channel);
        var query = new QueryService.QueryServiceClient(channel);
        var before = await query.GetAccountAsync(new GetAccountRequest { Address = key.Address.ToString() });
        var balance = BigInteger.Parse(before.Balance);
        var nonce = before.Nonce;

        var cases = new (string Name, byte[] Raw, StatusCode Code, string Message)[]
        {
            ("wrong chain id", TestTransactions.Raw(TestTransactions.Transfer(nonce, Recipient, 1, chainId: 1), key), StatusCode.InvalidArgument, "invalid chain id: have 1, want 161200"),
            ("oversize", TestTransactions.Raw(With(TestTransactions.Transfer(nonce, Recipient, 1), data: new byte[129 * 1024], gas: 1_000_000), key), StatusCode.InvalidArgument, "oversized data"),
            ("intrinsic gas", TestTransactions.Raw(With(TestTransactions.Transfer(nonce, Recipient, 1), gas: 20_999), key), StatusCode.InvalidArgument, "intrinsic gas too low"),
            ("nonce gap", TestTransactions.Raw(TestTransactions.Transfer(nonce + 100_000, Recipient, 1), key), StatusCode.FailedPrecondition, "nonce too high"),
            ("insufficient funds", TestTransactions.Raw(TestTransactions.Transfer(nonce, Recipient, (UInt128)balance), key), StatusCode.FailedPrecondition, "insufficient funds for gas * price + value"),
            ("fee cap below base fee", TestTransactions.Raw(With(TestTransactions.Transfer(nonce, Recipient, 1), maxFee: 1, tip: 1), key), StatusCode.FailedPrecondition, "max fee per gas less than block base fee"),
            ("contract creation", TestTransactions.Raw(With(TestTransactions.Transfer(nonce, Recipient, 1), contractCreation: true), key), StatusCode.InvalidArgument, "contract creation is not supported"),
            ("fee cap above 128 bits", TestTransactions.Raw(FeeCapOf2Pow200(TestTransactions.Transfer(nonce, Recipient, 1)), key), StatusCode.InvalidArgument,
                "amount too large: max fee per gas 2^200 wei exceeds the 128-bit amount limit"),
        };
        foreach (var (name, raw, code, message) in cases)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await tx.BroadcastAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(raw) }, deadline: DateTime.UtcNow.AddSeconds(15)));
            output.WriteLine($"gRPC {name}: {error.StatusCode} {error.Status.Detail}");
            Assert.True(code == error.StatusCode, $"{name}: expected {code}, got {error.StatusCode}: {error.Status.Detail}");
            Assert.True(error.Status.Detail.Contains(message, StringComparison.Ordinal), $"{name}: expected '{message}' in '{error.Status.Detail}'");
        }
        var empty = await Assert.ThrowsAsync<RpcException>(async () => await tx.BroadcastAsync(new BroadcastRequest()));
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);

        var head = await fixture.Rpc.BlockNumberAsync();
        await fixture.Rpc.WaitForBlockAsync(head + 2, TimeSpan.FromSeconds(30));
        var after = await query.GetAccountAsync(new GetAccountRequest { Address = key.Address.ToString() });
        Assert.Equal(before.Balance, after.Balance);
        Assert.Equal(nonce, after.Nonce);
        Assert.Equal(nonce, after.PendingNonce);
    }

    /// <summary>(name, raw bytes, parts the JSON-RPC error message must contain) for every SPEC §3 rejection.</summary>
    private static List<(string Name, byte[] Raw, string[] Expected)> BadTransactions(PrivateKey key, ulong nonce, ulong usedNonce, BigInteger balance)
    {
        var transfer = TestTransactions.Transfer(nonce, Recipient, 1);
        var signed = TestTransactions.Sign(transfer, key);
        return
        [
            ("wrong chain id", TestTransactions.Raw(TestTransactions.Transfer(nonce, Recipient, 1, chainId: 1612), key),
                ["invalid chain id", "have 1612, want 161200"]),
            ("unrecoverable signature", Resign(signed, r: new byte[32], s: signed.Signature.S.ToArray(), signed.Signature.RecoveryId),
                ["invalid transaction v, r, s values", "invalid transaction v, r, s values: signature r must be in [1, secp256k1n-1]"]),
            ("high-s signature", HighS(signed), ["invalid transaction v, r, s values", "EIP-2"]),
            ("nonce too low", TestTransactions.Raw(TestTransactions.Transfer(usedNonce, Recipient, 2), key),
                ["nonce too low", $"next nonce {nonce}, tx nonce {usedNonce}"]),
            ("nonce gap beyond the window", TestTransactions.Raw(TestTransactions.Transfer(nonce + 4096, Recipient, 1), key),
                ["nonce too high", "window"]),
            ("fee cap below base fee", TestTransactions.Raw(With(transfer, maxFee: TestTransactions.Gwei - 1, tip: 0), key),
                ["max fee per gas less than block base fee"]),
            ("balance below gasLimit*feeCap+value", TestTransactions.Raw(TestTransactions.Transfer(nonce, Recipient, (UInt128)(balance - 21_000 * 20 * 1_000_000_000L + 1)), key),
                ["insufficient funds for gas * price + value", $"balance {balance}"]),
            ("gas limit above the block limit", TestTransactions.Raw(With(transfer, gas: 60_000_001), key),
                ["exceeds block gas limit", "60000001"]),
            ("intrinsic gas too low", TestTransactions.Raw(With(transfer, gas: 21_000, data: new byte[] { 1 }), key),
                ["intrinsic gas too low", "have 21000, want 21016"]),
            ("oversize", TestTransactions.Raw(With(transfer, gas: 2_000_000, data: new byte[128 * 1024]), key),
                ["oversized data", "limit 131072"]),
            ("contract creation", TestTransactions.Raw(With(transfer, contractCreation: true), key),
                ["contract creation is not supported"]),
            ("pre-EIP-155 legacy", TestTransactions.Raw(new UnsignedTransaction
                {
                    Type = TxType.Legacy, ChainId = 0, IsReplayProtected = false, Nonce = nonce, GasPrice = 20 * TestTransactions.Gwei,
                    GasLimit = 21_000, To = Recipient, Value = 1,
                }, key),
                ["only replay-protected (EIP-155)"]),
            ("tip above fee cap", TestTransactions.Raw(With(transfer, maxFee: 2 * TestTransactions.Gwei, tip: 3 * TestTransactions.Gwei), key),
                ["max priority fee per gas higher than max fee per gas"]),
            ("fee cap above 128 bits (valid on Ethereum, not OpenLedger money)", TestTransactions.Raw(FeeCapOf2Pow200(transfer), key),
                ["amount too large: max fee per gas 2^200 wei exceeds the 128-bit amount limit"]),
        ];
    }

    private static UnsignedTransaction With(UnsignedTransaction t, ulong? gas = null, byte[]? data = null, UInt128? maxFee = null, UInt128? tip = null,
        bool contractCreation = false) => new()
    {
        Type = t.Type,
        ChainId = t.ChainId,
        Nonce = t.Nonce,
        MaxFeePerGas = maxFee ?? t.MaxFeePerGas,
        MaxPriorityFeePerGas = tip ?? t.MaxPriorityFeePerGas,
        GasLimit = gas ?? t.GasLimit,
        To = contractCreation ? null : t.To,
        Value = t.Value,
        Data = data ?? t.Data,
    };

    private static UnsignedTransaction FeeCapOf2Pow200(UnsignedTransaction t) => new()
    {
        Type = TxType.DynamicFee,
        ChainId = t.ChainId,
        Nonce = t.Nonce,
        MaxFeePerGas = new UInt256(UInt128.One << 72, 0),
        MaxPriorityFeePerGas = t.MaxPriorityFeePerGas,
        GasLimit = t.GasLimit,
        To = t.To,
        Value = t.Value,
    };

    private static byte[] Resign(OpenLedger.Core.Transactions.Transaction signed, byte[] r, byte[] s, byte recoveryId) =>
        signed.ToUnsigned().WithSignature(Signature.FromCompact(r, s, recoveryId)).Encoded.ToArray();

    /// <summary>The same signature with s replaced by n - s (valid for ECDSA, forbidden by EIP-2).</summary>
    private static byte[] HighS(OpenLedger.Core.Transactions.Transaction signed)
    {
        var s = new BigInteger(signed.Signature.S, isUnsigned: true, isBigEndian: true);
        var highS = (CurveOrder - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[32];
        highS.CopyTo(padded, 32 - highS.Length);
        return Resign(signed, signed.Signature.R.ToArray(), padded, (byte)(signed.Signature.RecoveryId ^ 1));
    }
}
