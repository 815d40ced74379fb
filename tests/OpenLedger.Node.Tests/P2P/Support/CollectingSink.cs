using Serilog.Core;
using Serilog.Events;

namespace OpenLedger.Node.Tests.P2P.Support;

/// <summary>Keeps rendered log lines (bounded) so tests can assert that a reason was logged.</summary>
public sealed class CollectingSink : ILogEventSink
{
    private readonly List<string> _lines = [];

    public void Emit(LogEvent logEvent)
    {
        var line = $"{logEvent.Level} {logEvent.RenderMessage()}";
        lock (_lines) if (_lines.Count < 20_000) _lines.Add(line);
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    public bool Contains(string text) => Lines.Any(l => l.Contains(text, StringComparison.Ordinal));
}
