namespace Orders.Cli.Interactive;

/// <summary>The prompt's command history: this session's lines after those of earlier sessions (~/.orders_history).</summary>
public sealed class History
{
    private const int Keep = 500;
    private readonly List<string> _lines;
    private readonly string? _file;

    public History(string? file)
    {
        _file = file;
        _lines = file is not null && File.Exists(file) ? File.ReadLines(file).Where(l => l.Length > 0).TakeLast(Keep).ToList() : [];
    }

    public static string? DefaultFile =>
        Environment.GetEnvironmentVariable("ORDERS_HISTORY") is { } configured
            ? (configured.Length == 0 ? null : configured)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".orders_history");

    public int Count => _lines.Count;

    public string this[int index] => _lines[index];

    public void Add(string line)
    {
        if (line.Length == 0 || (_lines.Count > 0 && _lines[^1] == line)) return;
        _lines.Add(line);
        if (_file is null) return;
        try
        {
            File.AppendAllLines(_file, [line]);
        }
        catch (IOException)
        {
            // An unwritable home keeps the history for this session only; the prompt must not fail for it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
