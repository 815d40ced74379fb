using System.Collections.Concurrent;

namespace OpenLedger.Node.Tests.Consensus;

/// <summary>
/// A clock that never moves on its own: timers are recorded (so a test can see that a producer started waiting,
/// and for how long) and fire only when <see cref="FireAll"/> is called; <see cref="Advance"/> moves the clock
/// (timestamps and wall time) without firing anything.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    private readonly ConcurrentQueue<ManualTimer> _timers = new();
    private long _elapsedTicks;

    public IReadOnlyCollection<ManualTimer> Timers => _timers;

    public override DateTimeOffset GetUtcNow() => now + TimeSpan.FromTicks(Interlocked.Read(ref _elapsedTicks));

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _elapsedTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _elapsedTicks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(callback, state, dueTime);
        _timers.Enqueue(timer);
        return timer;
    }

    public void FireAll()
    {
        foreach (var timer in _timers) timer.Fire();
    }

    public sealed class ManualTimer(TimerCallback callback, object? state, TimeSpan dueTime) : ITimer
    {
        private int _fired;

        public TimeSpan DueTime { get; } = dueTime;

        public void Fire()
        {
            if (Interlocked.Exchange(ref _fired, 1) == 0) callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose() => Interlocked.Exchange(ref _fired, 1);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
