using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orders.Gateway.Tests.Support;

/// <summary>What a gateway logged at warning level and above, kept in memory so a test can check what an attack costs in log lines.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception);

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => _entries.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || owner._entries.Count > 100_000) return;
            owner._entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
        }
    }
}
