using System.Collections.Concurrent;
using System.Diagnostics;
using OpenLedger.Node.Consensus;
using Xunit;

namespace OpenLedger.Node.Tests.Consensus;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadPoolStarvationCollection
{
    public const string Name = "thread pool starvation (runs alone)";
}

/// <summary>The consensus loop's thread (<see cref="DedicatedWorkLoop{T}"/>): order, its own thread, progress while the pool is saturated.</summary>
[Collection(ThreadPoolStarvationCollection.Name)]
public sealed class DedicatedWorkLoopTests
{
    [Fact]
    public async Task Items_are_handled_in_order_on_one_named_thread_outside_the_pool_after_start()
    {
        var loop = new DedicatedWorkLoop<int>("consensus-test");
        var handled = new ConcurrentQueue<(int Item, int ThreadId, string? Name, bool Pool)>();
        var startThread = -1;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        for (var i = 0; i < 500; i++) Assert.True(loop.Post(i)); // queued before the thread exists
        var run = loop.RunAsync(
            () => startThread = Environment.CurrentManagedThreadId,
            item =>
            {
                handled.Enqueue((item, Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
                if (item == 999) all.TrySetResult();
            },
            (_, e) => throw e,
            stop.Token);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            // Producers on pool threads; each posts its own increasing run, so per-producer order is checkable.
            for (var i = 500 + w * 125; i < 500 + (w + 1) * 125; i++) loop.Post(i);
        })));
        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        var items = handled.ToArray();
        Assert.Equal(1000, items.Length);
        Assert.Equal(Enumerable.Range(0, 500), items.Take(500).Select(h => h.Item));
        for (var w = 0; w < 4; w++)
        {
            var run_ = items.Select(h => h.Item).Where(i => i >= 500 + w * 125 && i < 500 + (w + 1) * 125).ToArray();
            Assert.Equal(Enumerable.Range(500 + w * 125, 125), run_);
        }
        Assert.All(items, h => Assert.Equal(startThread, h.ThreadId));
        Assert.All(items, h => Assert.Equal("consensus-test", h.Name));
        Assert.All(items, h => Assert.False(h.Pool));
        Assert.False(loop.Post(1), "a stopped loop takes no more work");
    }

    [Fact]
    public async Task A_failing_item_is_reported_and_the_loop_goes_on()
    {
        var loop = new DedicatedWorkLoop<int>("consensus-test");
        var errors = new ConcurrentQueue<(int, string)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var run = loop.RunAsync(() => { }, item =>
        {
            if (item == 2) throw new InvalidOperationException("bad item");
            if (item == 3) done.TrySetResult();
        }, (item, e) => errors.Enqueue((item, e.Message)), stop.Token);
        foreach (var i in new[] { 1, 2, 3 }) loop.Post(i);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([(2, "bad item")], errors.ToArray());
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_start_that_throws_faults_the_task()
    {
        var loop = new DedicatedWorkLoop<int>("consensus-test");
        var run = loop.RunAsync(() => throw new InvalidOperationException("no chain"), _ => { }, (_, _) => { }, CancellationToken.None);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("no chain", e.Message);
    }

    /// <summary>
    /// Every pool thread is blocked (far more blocking work items than the pool has threads): a loop whose
    /// continuations needed a pool thread would wait for the pool to grow (hundreds of ms per thread), the dedicated
    /// thread handles the item at once.
    /// </summary>
    [Fact]
    public async Task Items_are_handled_promptly_while_the_thread_pool_is_saturated()
    {
        var loop = new DedicatedWorkLoop<long>("consensus-test");
        using var release = new ManualResetEventSlim(false);
        using var stop = new CancellationTokenSource();
        using var handled = new ManualResetEventSlim(false);
        var latency = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var run = loop.RunAsync(() => { }, posted =>
        {
            latency = clock.Elapsed - TimeSpan.FromTicks(posted);
            handled.Set();
        }, (_, _) => { }, stop.Token);
        // Far more blockers than the pool has threads now (earlier tests in this process may have grown it).
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        var threads = Math.Max(ThreadPool.ThreadCount, minWorkers);
        var blockers = threads * 4 + 64;
        var started = 0;
        try
        {
            for (var i = 0; i < blockers; i++)
                ThreadPool.UnsafeQueueUserWorkItem(_ =>
                {
                    Interlocked.Increment(ref started);
                    release.Wait(TimeSpan.FromSeconds(30));
                }, null);
            // Wait until the pool's current threads are all stuck in a blocker.
            var deadline = Stopwatch.StartNew();
            while (Volatile.Read(ref started) < threads && deadline.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(5);
            Assert.True(Volatile.Read(ref started) < blockers, "the pool should still be saturated (blocked work items waiting)");

            loop.Post(clock.Elapsed.Ticks);
            // Waited for synchronously: an await would need a pool thread itself.
            Assert.True(handled.Wait(TimeSpan.FromSeconds(30)));
            Assert.True(latency < TimeSpan.FromMilliseconds(250), $"handled after {latency.TotalMilliseconds:0} ms");

            // A timeout (delayed item) fires on time too: a .NET timer's callback would need a pool thread.
            handled.Reset();
            loop.PostAfter(TimeSpan.FromMilliseconds(100), (clock.Elapsed + TimeSpan.FromMilliseconds(100)).Ticks);
            Assert.True(handled.Wait(TimeSpan.FromSeconds(30)));
            Assert.InRange(latency, TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(250));
            Assert.True(Volatile.Read(ref started) < blockers, "the pool was saturated the whole time");
        }
        finally
        {
            release.Set();
        }
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Delayed_items_come_when_due_in_due_order_and_do_not_hold_up_immediate_ones()
    {
        var loop = new DedicatedWorkLoop<(string Name, TimeSpan Posted)>("consensus-test");
        var handled = new ConcurrentQueue<(string Name, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var run = loop.RunAsync(() => { }, item =>
        {
            handled.Enqueue((item.Name, clock.Elapsed));
            if (item.Name == "late") done.TrySetResult();
        }, (_, e) => throw e, stop.Token);
        loop.PostAfter(TimeSpan.FromMilliseconds(600), ("late", clock.Elapsed));
        loop.PostAfter(TimeSpan.FromMilliseconds(200), ("early", clock.Elapsed));
        loop.PostAfter(TimeSpan.FromMilliseconds(200), ("early-second", clock.Elapsed));
        loop.PostAfter(TimeSpan.Zero, ("at-once", clock.Elapsed));
        loop.Post(("now", clock.Elapsed));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        var items = handled.ToArray();
        Assert.Equal(["at-once", "now", "early", "early-second", "late"], items.Select(h => h.Name));
        Assert.True(items[1].At < TimeSpan.FromMilliseconds(150), $"immediate item waited {items[1].At.TotalMilliseconds:0} ms");
        Assert.True(items[2].At >= TimeSpan.FromMilliseconds(200), $"early fired at {items[2].At.TotalMilliseconds:0} ms");
        Assert.True(items[4].At >= TimeSpan.FromMilliseconds(600), $"late fired at {items[4].At.TotalMilliseconds:0} ms");
    }
}
