using System.Collections.Concurrent;
using System.Diagnostics;

namespace OpenLedger.Node.Consensus;

/// <summary>
/// A queue of work items handled one at a time, in order, on a thread of its own (not the .NET thread pool).
/// The consensus loop runs on one: its timeouts and votes must be handled when they arrive, and on a validator that
/// also admits a transaction burst the pool's threads are busy with gRPC handlers and <c>Parallel.For</c> batches
/// (signature checks, sender recovery); a loop continued on the pool would queue behind them. Producers
/// (<see cref="Post"/>) never block. Delayed items (<see cref="PostAfter"/>: the consensus timeouts) are kept by the
/// loop itself, on the monotonic clock, for the same reason: a .NET timer's callback runs on the pool.
/// </summary>
public sealed class DedicatedWorkLoop<T>
{
    // A blocking queue, not a channel: a channel wakes its waiting reader through a thread-pool work item, which is
    // what a saturated pool delays (seconds, measured). BlockingCollection signals the waiting thread directly.
    private readonly BlockingCollection<Entry> _queue = new(new ConcurrentQueue<Entry>());
    private readonly string _name;
    private readonly object _timersLock = new();
    private readonly PriorityQueue<T, (long Due, long Sequence)> _timers = new();
    private long _timerSequence;

    public DedicatedWorkLoop(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _name = name;
    }

    /// <summary>Queues an item; false only after the loop has stopped.</summary>
    public bool Post(T item) => Add(new Entry(item, IsWakeUp: false));

    /// <summary>
    /// Queues <paramref name="item"/> to be handled once <paramref name="delay"/> has passed (items due at the same time
    /// in the order they were posted); false only after the loop has stopped.
    /// </summary>
    public bool PostAfter(TimeSpan delay, T item)
    {
        if (delay <= TimeSpan.Zero) return Post(item);
        var due = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        lock (_timersLock) _timers.Enqueue(item, (due, _timerSequence++));
        // Wakes the loop so it waits for the earliest due time (this one may be earlier than what it waits for).
        return Add(new Entry(default!, IsWakeUp: true));
    }

    private bool Add(Entry entry)
    {
        try
        {
            return _queue.TryAdd(entry);
        }
        catch (InvalidOperationException)
        {
            return false; // completed: the loop has stopped
        }
    }

    /// <summary>
    /// Starts the thread: <paramref name="start"/> runs on it first, then <paramref name="handle"/> for each item until
    /// <paramref name="ct"/> is cancelled. The task completes when the thread ends; it faults if <paramref name="start"/>
    /// throws. An exception from <paramref name="handle"/> goes to <paramref name="onError"/> and the loop continues.
    /// </summary>
    public Task RunAsync(Action start, Action<T> handle, Action<T, Exception> onError, CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                start();
                Loop(handle, onError, ct);
                done.TrySetResult();
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Stopping: whatever the last item threw while being cancelled is not a failure.
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
            finally
            {
                _queue.CompleteAdding();
            }
        })
        {
            IsBackground = true,
            Name = _name,
        };
        thread.Start();
        return done.Task;
    }

    private void Loop(Action<T> handle, Action<T, Exception> onError, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (TakeDueTimer(out var due, out var wait))
            {
                Handle(due, handle, onError, ct);
                continue;
            }
            // Blocks this thread only, woken directly by Post (throws OperationCanceledException when stopped).
            if (!_queue.TryTake(out var entry, wait, ct) || entry.IsWakeUp) continue;
            Handle(entry.Item, handle, onError, ct);
        }
    }

    /// <summary>The earliest timer if it is due; otherwise how long to wait for it (infinite without timers).</summary>
    private bool TakeDueTimer(out T item, out int waitMilliseconds)
    {
        lock (_timersLock)
        {
            waitMilliseconds = Timeout.Infinite;
            if (!_timers.TryPeek(out item!, out var key)) return false;
            var remaining = key.Due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                _timers.Dequeue();
                return true;
            }
            // Rounded up, so the loop does not wake just before the due time and spin.
            waitMilliseconds = (int)Math.Min(int.MaxValue, (remaining * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
            return false;
        }
    }

    private static void Handle(T item, Action<T> handle, Action<T, Exception> onError, CancellationToken ct)
    {
        try
        {
            handle(item);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            onError(item, e);
        }
    }

    private readonly record struct Entry(T Item, bool IsWakeUp);
}
