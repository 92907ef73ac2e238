using TraceGate.Core.Evidence;

namespace TraceGate.Core.TestResults;

/// <summary>
/// Finds the test cases that a <see cref="TestRef"/> names. The mapping (documented in the README):
/// the case's name, without a parameter suffix (<c>[1]</c> or <c>(1)</c>), equals the reference's last part, and
/// either its <c>file</c> attribute is the reference's path, or the dotted parts of its class name are a suffix
/// of the reference's path without extension, split on <c>/</c> and <c>.</c>, followed by its class parts:
/// <list type="bullet">
/// <item>pytest: <c>tests/test_x.py::TestA::test_y</c> matches classname <c>tests.test_x.TestA</c>, name <c>test_y</c></item>
/// <item>Surefire: <c>src/test/java/com/ex/PayTest.java::fee</c> matches classname <c>com.ex.PayTest</c>, name <c>fee</c></item>
/// <item>dotnet/TRX: <c>tests/Pay.Tests/PayTests.cs::Fee</c> matches class <c>Pay.Tests.PayTests</c>, name <c>Fee</c>
/// (or the fully qualified name <c>Pay.Tests.PayTests.Fee</c>)</item>
/// </list>
/// </summary>
public static class TestMatcher
{
    public static IReadOnlyList<TestCaseResult> Find(TestRef reference, IEnumerable<TestCaseResult> cases)
    {
        string path = reference.Path;
        var pathStem = StripExtension(path);
        var expected = pathStem.Split('/', '.').Where(s => s.Length > 0).Concat(reference.ClassParts).ToList();
        return cases.Where(c => Matches(c, reference, path, expected)).ToList();
    }

    private static bool Matches(TestCaseResult c, TestRef reference, string path, List<string> expected)
    {
        string name = BaseName(c.Name);
        string className = c.ClassName;
        // Some loggers write the fully qualified method as the name: "Ns.Class.Method".
        if (name != reference.Name && name.EndsWith("." + reference.Name, StringComparison.Ordinal))
        {
            className = className.Length == 0 ? name[..^(reference.Name.Length + 1)] : className;
            name = reference.Name;
        }

        if (name != reference.Name)
        {
            return false;
        }

        var classParts = className.Split('.', '/', ':').Where(s => s.Length > 0).ToList();
        if (c.File is { Length: > 0 } file && Normalize(file) == path)
        {
            return reference.ClassParts.Count == 0 || EndsWith(classParts, reference.ClassParts);
        }

        return classParts.Count > 0 && EndsWith(expected, classParts);
    }

    private static bool EndsWith(IReadOnlyList<string> whole, IReadOnlyList<string> suffix)
    {
        if (suffix.Count > whole.Count)
        {
            return false;
        }

        for (int i = 1; i <= suffix.Count; i++)
        {
            if (!string.Equals(whole[^i], suffix[^i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string BaseName(string name)
    {
        int cut = name.IndexOfAny(['[', '(']);
        return (cut > 0 ? name[..cut] : name).Trim();
    }

    private static string StripExtension(string path)
    {
        int slash = path.LastIndexOf('/');
        int dot = path.LastIndexOf('.');
        return dot > slash + 1 ? path[..dot] : path;
    }

    private static string Normalize(string file)
    {
        var f = file.Replace('\\', '/');
        return f.StartsWith("./", StringComparison.Ordinal) ? f[2..] : f;
    }
}
