using OpenLedger.Rpc.Backend;

namespace OpenLedger.Rpc.Grpc;

/// <summary>
/// Admits one client stream's bursts in stream order, two stages deep: while burst k is being admitted to the mempool
/// (serial, under the pool's lock) on a worker, the stream's reader decodes burst k+1 and recovers its senders on the
/// other cores. Without the overlap a core sits idle during every admission. At most one burst is being admitted and
/// one prepared at a time, so a fast client is still held back by HTTP/2 flow control. Results are reported through
/// <c>report</c> in stream order, one burst at a time; a failed admission surfaces from the next <see cref="AddAsync"/>
/// or <see cref="CompleteAsync"/>.
/// </summary>
public sealed class StreamAdmission(
    Func<IReadOnlyList<ReadOnlyMemory<byte>>, PreparedSubmission> prepare,
    Func<PreparedSubmission, CancellationToken, ValueTask<IReadOnlyList<SubmitResult>>> admit,
    Action<IReadOnlyList<SubmitResult>> report,
    CancellationToken ct)
{
    public StreamAdmission(INodeBackend backend, Action<IReadOnlyList<SubmitResult>> report, CancellationToken ct)
        : this(backend.PrepareSubmission, backend.SubmitPreparedAsync, report, ct)
    {
    }

    private Task _admitting = Task.CompletedTask;

    /// <summary>Prepares <paramref name="burst"/> here, then hands it to admission once the burst before it is in. Takes a copy.</summary>
    public async Task AddAsync(IReadOnlyList<ReadOnlyMemory<byte>> burst)
    {
        var raw = burst.ToArray();
        var nonEmpty = Array.FindAll(raw, r => !r.IsEmpty);
        var prepared = nonEmpty.Length == 0 ? null : prepare(nonEmpty);
        await _admitting;
        _admitting = Task.Run(async () =>
        {
            var admitted = prepared is null ? [] : await admit(prepared, ct);
            var results = new SubmitResult[raw.Length];
            var k = 0;
            for (var i = 0; i < raw.Length; i++)
                results[i] = raw[i].IsEmpty ? SubmitResult.Reject(TxRejectionReason.Malformed, "empty raw_transaction") : admitted[k++];
            report(results);
        }, ct);
    }

    /// <summary>Waits until every burst added so far has been admitted and reported.</summary>
    public Task CompleteAsync() => _admitting;
}
