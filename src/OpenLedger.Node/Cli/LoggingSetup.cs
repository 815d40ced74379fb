using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace OpenLedger.Node.Cli;

public static class LoggingSetup
{
    public static ILogger Create(string level, string? jsonFile, string? prefix = null)
    {
        var minimum = Enum.TryParse<LogEventLevel>(level, ignoreCase: true, out var parsed) ? parsed : LogEventLevel.Information;
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: (prefix is null ? "" : prefix + " ") + "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose);
        if (jsonFile is not null) config = config.WriteTo.File(new JsonFormatter(renderMessage: true), jsonFile);
        return config.CreateLogger();
    }
}
