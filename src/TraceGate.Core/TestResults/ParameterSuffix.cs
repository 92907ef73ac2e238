namespace TraceGate.Core.TestResults;

/// <summary>
/// A parameterised case's arguments: only a trailing, balanced <c>[...]</c> (pytest <c>test_fee[1-2]</c>) or
/// <c>(...)</c> (.NET <c>Fee(amount: 1)</c>, JUnit 5 <c>fee(int)[1]</c>). A bracket inside a name is part of the name:
/// mocha and jest titles hold them (<c>"refund [partial] keeps fee"</c>, <c>"parses (x)  => y"</c>).
/// </summary>
public static class ParameterSuffix
{
    public static string Strip(string name)
    {
        string n = name.TrimEnd();
        if (n.Length < 2 || (n[^1] != ']' && n[^1] != ')'))
        {
            return name.Trim();
        }

        char close = n[^1];
        char open = close == ']' ? '[' : '(';
        int depth = 0;
        for (int i = n.Length - 1; i >= 0; i--)
        {
            if (n[i] == close)
            {
                depth++;
            }
            else if (n[i] == open && --depth == 0)
            {
                // Only a suffix that leaves a name before it counts: "[1]" alone is a name.
                return i > 0 ? n[..i].TrimEnd() : name.Trim();
            }
        }

        return name.Trim();
    }
}
