using FsCheck.Xunit;
using OpenLedger.Network.Addressing;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Multistream;
using OpenLedger.Network.Noise;
using OpenLedger.Network.Protocols;
using OpenLedger.Network.Tests.Support;
using OpenLedger.Network.Yamux;

namespace OpenLedger.Network.Tests.Transport;

/// <summary>
/// Random and truncated input at every layer must end in the layer's own exception type (which closes the
/// stream or connection), never in an unexpected exception that would escape to the host.
/// </summary>
public class MalformedInputTests
{
    private static bool OnlyFails<TExpected>(Action decode) where TExpected : Exception
    {
        try { decode(); return true; }
        catch (TExpected) { return true; }
    }

    [Property(MaxTest = 500)]
    public bool Random_bytes_as_gossipsub_rpc(byte[] data) => OnlyFails<FormatException>(() => PubSubRpc.Decode(data));

    [Property(MaxTest = 300)]
    public bool Random_bytes_as_identify(byte[] data) => OnlyFails<FormatException>(() => IdentifyMessage.Decode(data));

    [Property(MaxTest = 300)]
    public bool Random_bytes_as_noise_payload(byte[] data) => OnlyFails<FormatException>(() => NoiseHandshakePayload.Decode(data));

    [Property(MaxTest = 300)]
    public bool Random_bytes_as_multiaddr(byte[] data) => OnlyFails<FormatException>(() => Multiaddr.FromBytes(data));

    [Property(MaxTest = 300)]
    public bool Random_bytes_as_yamux_header(byte[] data) => OnlyFails<YamuxException>(() => YamuxFrameHeader.Read(data));

    [Fact]
    public void Truncations_of_a_valid_rpc_fail_cleanly()
    {
        var key = NodeKey.Generate();
        var rpc = new PubSubRpc();
        rpc.Subscriptions.Add(new SubscriptionChange(true, "/openledger/161200/tx/1"));
        rpc.Messages.Add(new PubSubMessage { From = key.PeerId.Bytes, Data = [1, 2, 3], SequenceNumber = new byte[8], Topic = "t", Signature = new byte[64], Key = key.PublicKey.ToProtobuf() });
        rpc.IHave.Add(new ControlIHave("t", [[1, 2], [3, 4]]));
        rpc.IWant.Add([9, 9]);
        rpc.Graft.Add("t");
        rpc.Prune.Add(new ControlPrune("t", 60));
        byte[] encoded = rpc.Encode();
        var decoded = PubSubRpc.Decode(encoded);
        Assert.Equal(60ul, decoded.Prune[0].BackoffSeconds);
        Assert.Equal([3, 4], decoded.IHave[0].MessageIds[1]);
        int failures = 0;
        for (int length = 0; length < encoded.Length; length++)
        {
            try { PubSubRpc.Decode(encoded.AsSpan(0, length)); }
            catch (FormatException) { failures++; }
        }
        Assert.True(failures > encoded.Length / 2, $"only {failures} of {encoded.Length} truncations were detected");
    }

    [Fact]
    public async Task Random_bytes_to_multistream_responder_and_initiator()
    {
        var random = new Random(42);
        for (int i = 0; i < 300; i++)
        {
            byte[] data = new byte[random.Next(0, 80)];
            random.NextBytes(data);
            if (i % 3 == 0) data = [.. MultistreamSelect.EncodeMessage(MultistreamSelect.ProtocolId), .. data];
            await AssertOnly<MultistreamException>(() => MultistreamSelect.HandleAsync(new ScriptedStream(data), p => p == "/noise", CancellationToken.None));
            await AssertOnly<MultistreamException>(() => MultistreamSelect.SelectAsync(new ScriptedStream(data), ["/noise"], CancellationToken.None));
        }
        // Truncations of a valid exchange.
        byte[] valid = [.. MultistreamSelect.EncodeMessage(MultistreamSelect.ProtocolId), .. MultistreamSelect.EncodeMessage("/noise")];
        for (int length = 0; length < valid.Length; length++)
            await Assert.ThrowsAsync<MultistreamException>(() => MultistreamSelect.HandleAsync(new ScriptedStream(valid[..length]), p => p == "/noise", CancellationToken.None));
        Assert.Equal("/noise", await MultistreamSelect.HandleAsync(new ScriptedStream(valid), p => p == "/noise", CancellationToken.None));
    }

    [Fact]
    public async Task Random_bytes_to_noise_handshake_in_both_roles()
    {
        var random = new Random(43);
        var key = NodeKey.Generate();
        for (int i = 0; i < 200; i++)
        {
            int length = random.Next(0, 300);
            byte[] body = new byte[length];
            random.NextBytes(body);
            // Half the cases carry a plausible frame length so the cryptographic checks are reached.
            byte[] data = i % 2 == 0 ? [(byte)(length >> 8), (byte)length, .. body] : body;
            bool initiator = i % 4 < 2;
            await AssertOnly<NoiseException>(() => NoiseHandshake.PerformAsync(new ScriptedStream(data), key, initiator, null, [], CancellationToken.None));
        }
    }

    [Fact]
    public async Task Random_bytes_as_yamux_frames_close_the_session_with_a_reason()
    {
        var random = new Random(44);
        for (int i = 0; i < 200; i++)
        {
            byte[] data = new byte[random.Next(0, 200)];
            random.NextBytes(data);
            if (i % 2 == 0 && data.Length >= 12) data[0] = 0; // valid version so deeper checks run
            var session = new YamuxSession(new ScriptedStream(data), isClient: i % 3 == 0, new YamuxOptions { KeepAliveInterval = TimeSpan.Zero },
                Serilog.Core.Logger.None, s => { s.Reset(); return Task.CompletedTask; });
            session.Start();
            string reason = await session.Completion.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.DoesNotContain("internal error", reason, StringComparison.Ordinal);
        }
    }

    private static async Task AssertOnly<TExpected>(Func<Task> action) where TExpected : Exception
    {
        try { await action(); }
        catch (TExpected) { }
    }
}
