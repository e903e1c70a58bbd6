using System.Text;

namespace Orders.Cli.Interactive;

/// <summary>
/// A small line editor on <see cref="Console.ReadKey(bool)"/>: cursor movement, history on the arrow keys and tab
/// completion. RadLine, the usual choice, is built against an old unsigned Spectre.Console and does not compile with
/// the current one, and this is all the prompt needs.
/// </summary>
public sealed class LineEditor(Func<string, IReadOnlyList<string>> complete, History history)
{
    /// <summary>The line typed, or null when the user leaves (Ctrl-D on an empty line).</summary>
    public string? ReadLine(string prompt)
    {
        var line = new StringBuilder();
        var cursor = 0;
        var recalled = history.Count;
        var lastWasTab = false;
        Console.Write(prompt);
        while (true)
        {
            if (Decode(Console.ReadKey(intercept: true)) is not { } key) continue;
            var tab = key.Key == ConsoleKey.Tab;
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.WriteLine();
                    return line.ToString();
                case ConsoleKey.Tab:
                    cursor = Complete(prompt, line, cursor, listCandidates: lastWasTab);
                    break;
                case ConsoleKey.Backspace when cursor > 0:
                    line.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < line.Length:
                    line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < line.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                    cursor = line.Length;
                    break;
                case ConsoleKey.UpArrow when recalled > 0:
                    cursor = Replace(line, history[--recalled]);
                    break;
                case ConsoleKey.DownArrow when recalled < history.Count:
                    cursor = Replace(line, ++recalled == history.Count ? "" : history[recalled]);
                    break;
                default:
                    if (key.Modifiers.HasFlag(ConsoleModifiers.Control))
                    {
                        switch (key.Key)
                        {
                            case ConsoleKey.D when line.Length == 0:
                                Console.WriteLine();
                                return null;
                            case ConsoleKey.C:
                                Console.WriteLine("^C");
                                line.Clear();
                                cursor = 0;
                                Console.Write(prompt);
                                continue;
                            case ConsoleKey.A: cursor = 0; break;
                            case ConsoleKey.E: cursor = line.Length; break;
                            case ConsoleKey.U: line.Remove(0, cursor); cursor = 0; break;
                            case ConsoleKey.P when recalled > 0: cursor = Replace(line, history[--recalled]); break;
                            case ConsoleKey.N when recalled < history.Count:
                                cursor = Replace(line, ++recalled == history.Count ? "" : history[recalled]);
                                break;
                        }
                    }
                    else if (!char.IsControl(key.KeyChar))
                    {
                        line.Insert(cursor++, key.KeyChar);
                    }
                    break;
            }
            lastWasTab = tab;
            Redraw(prompt, line, cursor);
        }
    }

    private string? _escape;

    /// <summary>
    /// Cursor keys whose escape sequence reached the console in pieces (a slow link, a pseudo-terminal) arrive as ESC, '[', 'A':
    /// put back together here; null while a sequence is still incomplete.
    /// </summary>
    private ConsoleKeyInfo? Decode(ConsoleKeyInfo key)
    {
        if (key.KeyChar == '\u001b' && key.Key is ConsoleKey.Escape or 0)
        {
            _escape = "\u001b";
            return null;
        }
        if (_escape is null) return key;
        if (_escape.Length == 1 && key.KeyChar is '[' or 'O')
        {
            _escape += key.KeyChar;
            return null;
        }
        var complete = _escape.Length == 2;
        _escape = null;
        if (!complete) return key;
        ConsoleKey? cursor = key.KeyChar switch
        {
            'A' => ConsoleKey.UpArrow, 'B' => ConsoleKey.DownArrow, 'C' => ConsoleKey.RightArrow, 'D' => ConsoleKey.LeftArrow,
            'H' => ConsoleKey.Home, 'F' => ConsoleKey.End, _ => null,
        };
        return cursor is { } k ? new ConsoleKeyInfo('\0', k, false, false, false) : null;
    }

    /// <summary>Completes the word before the cursor: alone, it is written out; several, their common start, and a second Tab lists them.</summary>
    private int Complete(string prompt, StringBuilder line, int cursor, bool listCandidates)
    {
        var before = line.ToString(0, cursor);
        var wordStart = before.LastIndexOf(' ') + 1;
        var word = before[wordStart..];
        var candidates = complete(before).Where(c => c.StartsWith(word, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (candidates.Count == 0) return cursor;
        var insert = candidates.Count == 1 ? candidates[0] + " " : CommonPrefix(candidates);
        if (insert.Length > word.Length)
        {
            line.Remove(wordStart, word.Length).Insert(wordStart, insert);
            return wordStart + insert.Length;
        }
        if (listCandidates && candidates.Count > 1)
        {
            Console.WriteLine();
            Console.WriteLine(string.Join("  ", candidates));
            Console.Write(prompt);
        }
        return cursor;
    }

    private static string CommonPrefix(IReadOnlyList<string> words)
    {
        var prefix = words[0];
        foreach (var w in words.Skip(1))
        {
            var n = 0;
            while (n < prefix.Length && n < w.Length && prefix[n] == w[n]) n++;
            prefix = prefix[..n];
        }
        return prefix;
    }

    private static int Replace(StringBuilder line, string text)
    {
        line.Clear().Append(text);
        return text.Length;
    }

    private static void Redraw(string prompt, StringBuilder line, int cursor)
    {
        // Carriage return, the whole line, erase what a longer previous line left, then the cursor back to its place.
        Console.Write($"\r{prompt}{line}\u001b[K");
        var back = line.Length - cursor;
        if (back > 0) Console.Write($"\u001b[{back}D");
    }
}
