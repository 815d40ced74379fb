using System.Collections.Concurrent;

namespace OpenLedger.Node.Consensus;

/// <summary>
/// A queue of work items handled one at a time, in order, on a thread of its own (not the .NET thread pool).
/// The consensus loop runs on one: its timeouts and votes must be handled when they arrive, and on a validator that
/// also admits a transaction burst the pool's threads are busy with gRPC handlers and <c>Parallel.For</c> batches
/// (signature checks, sender recovery); a loop continued on the pool would queue behind them. Producers
/// (<see cref="Post"/>) never block.
/// </summary>
public sealed class DedicatedWorkLoop<T>
{
    // A blocking queue, not a channel: a channel wakes its waiting reader through a thread-pool work item, which is
    // what a saturated pool delays (seconds, measured). BlockingCollection signals the waiting thread directly.
    private readonly BlockingCollection<T> _queue = new(new ConcurrentQueue<T>());
    private readonly string _name;

    public DedicatedWorkLoop(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _name = name;
    }

    /// <summary>Queues an item; false only after the loop has stopped.</summary>
    public bool Post(T item)
    {
        try
        {
            return _queue.TryAdd(item);
        }
        catch (InvalidOperationException)
        {
            return false; // completed: the loop has stopped
        }
    }

    /// <summary>Items waiting to be handled.</summary>
    public int Pending => _queue.Count;

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
            // Blocks this thread only, woken directly by Post (throws OperationCanceledException when stopped).
            var item = _queue.Take(ct);
            try
            {
                handle(item);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                onError(item, e);
            }
        }
    }
}
