using Orders.Actors.Hosting;

namespace Orders.Actors.Tests.Support;

/// <summary>A real SQLite file in a fresh temporary folder, removed afterwards.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orders-tests", Guid.NewGuid().ToString("N"));

    public TestDatabase() => Directory.CreateDirectory(_directory);

    public string SqlitePath => Path.Combine(_directory, "orders.db");

    public PersistenceOptions Options() => new() { Provider = PersistenceProvider.Sqlite, SqlitePath = SqlitePath };

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
