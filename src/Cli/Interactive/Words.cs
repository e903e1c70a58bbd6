using System.Text;

namespace Orders.Cli.Interactive;

/// <summary>A prompt line split the way a shell would split it for us: on spaces, with "double" or 'single' quotes keeping spaces in a word.</summary>
public static class Words
{
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var c in line)
        {
            if (quote is not null)
            {
                if (c == quote) quote = null;
                else word.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }
}
