using OpenLedger.Core.Types;
using OpenLedger.Rpc.Backend;
using OpenLedger.Rpc.Grpc;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>
/// <see cref="StreamAdmission"/>: a stream's next burst is prepared while the previous one is still being admitted,
/// yet bursts are admitted and reported strictly in stream order.
/// </summary>
public sealed class StreamAdmissionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static ReadOnlyMemory<byte>[] Burst(byte id, int count) =>
        Enumerable.Range(0, count).Select(i => (ReadOnlyMemory<byte>)new byte[] { id, (byte)i }).ToArray();

    [Fact]
    public async Task Prepares_the_next_burst_while_the_previous_one_is_admitted_and_keeps_stream_order()
    {
        var log = new List<string>();
        var firstAdmissionStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirstAdmission = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reported = new List<IReadOnlyList<SubmitResult>>();
        var admission = new StreamAdmission(
            raw =>
            {
                lock (log) log.Add($"prepare {raw[0].Span[0]}");
                return new PreparedSubmission(raw);
            },
            async (prepared, _) =>
            {
                var id = prepared.RawTransactions[0].Span[0];
                lock (log) log.Add($"admit {id}");
                if (id == 1)
                {
                    firstAdmissionStarted.SetResult();
                    await releaseFirstAdmission.Task;
                }
                lock (log) log.Add($"admitted {id}");
                return prepared.RawTransactions.Select(r => SubmitResult.Accept(new Hash256(Enumerable.Repeat(r.Span[0], 32).ToArray()))).ToList();
            },
            results => reported.Add(results),
            CancellationToken.None);

        await admission.AddAsync(Burst(1, 3));
        await firstAdmissionStarted.Task.WaitAsync(Timeout);
        // Burst 2 is prepared while burst 1 is held in admission; its own admission must wait for burst 1.
        var second = admission.AddAsync(Burst(2, 2));
        await WaitUntil(() => { lock (log) return log.Contains("prepare 2"); });
        Assert.False(second.IsCompleted);
        lock (log) Assert.DoesNotContain("admit 2", log);

        releaseFirstAdmission.SetResult();
        await second.WaitAsync(Timeout);
        await admission.AddAsync(Burst(3, 1));
        await admission.CompleteAsync().WaitAsync(Timeout);

        Assert.Equal(9, log.Count);
        // Burst 3 may be prepared before or after burst 2's admission starts; everything else has one order.
        string[] order = ["prepare 1", "admit 1", "prepare 2", "admitted 1", "admit 2", "admitted 2", "admit 3", "admitted 3"];
        Assert.Equal(order, log.Where(entry => entry != "prepare 3"));
        Assert.True(log.IndexOf("prepare 3") > log.IndexOf("admitted 1") && log.IndexOf("prepare 3") < log.IndexOf("admit 3"));
        Assert.Equal([3, 2, 1], reported.Select(r => r.Count));
        Assert.Equal([1, 1, 1, 2, 2, 3], reported.SelectMany(r => r).Select(r => r.Hash!.Value.ToArray()[0]));
    }

    [Fact]
    public async Task Empty_transactions_are_refused_in_place_and_never_reach_the_backend()
    {
        var prepared = new List<int>();
        var reported = new List<SubmitResult>();
        var admission = new StreamAdmission(
            raw =>
            {
                prepared.Add(raw.Count);
                return new PreparedSubmission(raw);
            },
            (p, _) => ValueTask.FromResult<IReadOnlyList<SubmitResult>>(p.RawTransactions.Select(_ => SubmitResult.Accept(default)).ToList()),
            reported.AddRange,
            CancellationToken.None);

        await admission.AddAsync([new byte[] { 1 }, ReadOnlyMemory<byte>.Empty, new byte[] { 2 }]);
        await admission.AddAsync([ReadOnlyMemory<byte>.Empty]);
        await admission.CompleteAsync().WaitAsync(Timeout);

        Assert.Equal([2], prepared);
        Assert.Equal([true, false, true, false], reported.Select(r => r.Accepted));
        Assert.Equal("empty raw_transaction", reported[1].Detail);
        Assert.Equal(TxRejectionReason.Malformed, reported[3].Rejection);
    }

    [Fact]
    public async Task A_failed_admission_surfaces_and_later_bursts_are_not_admitted()
    {
        var admitted = new List<byte>();
        var admission = new StreamAdmission(
            raw => new PreparedSubmission(raw),
            (p, _) =>
            {
                var id = p.RawTransactions[0].Span[0];
                if (id == 1) throw new InvalidOperationException("pool failed");
                admitted.Add(id);
                return ValueTask.FromResult<IReadOnlyList<SubmitResult>>([]);
            },
            _ => { },
            CancellationToken.None);

        await admission.AddAsync(Burst(1, 1));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => admission.AddAsync(Burst(2, 1)).WaitAsync(Timeout));
        Assert.Equal("pool failed", error.Message);
        Assert.Empty(admitted);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "condition not reached within 5 s");
    }
}
