using TraceGate.Core.Evidence;

namespace TraceGate.Core.TestResults;

/// <summary>
/// The reference TraceGate accepts for a test case, for <c>tracegate tests list</c>: the answer to "what do I write
/// after <c>Repro:</c>". The first form that parses and finds the case again wins: the file with the class and name
/// (<c>tests/test_x.py::TestA::test_y</c>), the file path in the class or suite name (vitest, Playwright, jest-junit),
/// Go's <c>import/path.TestName</c>, else the runner's full name (<c>Ns.Class.Method</c>, <c>crate::bin::test</c>,
/// the bare title).
/// </summary>
public static class TestReferences
{
    /// <param name="relativize">Turns a file path the report gives into a checkout-relative one, or null when it
    /// lies outside (an absolute path from another machine).</param>
    public static string For(TestCaseResult c, Func<string, string?>? relativize = null)
    {
        foreach (var candidate in Candidates(c, relativize ?? (p => p)))
        {
            if (TestRef.Parse(candidate, out _) is { } parsed && TestMatcher.Matches(parsed, c))
            {
                return candidate;
            }
        }

        return c.Name.Trim().Length == 0 ? c.SuiteName ?? "" : c.ClassName.Length > 0 ? c.ClassName + "." + c.Name : c.Name;
    }

    private static IEnumerable<string> Candidates(TestCaseResult c, Func<string, string?> relativize)
    {
        string name = c.Name.Trim();
        string cls = c.ClassName.Trim();
        if (c.File is { Length: > 0 } file && Relative(file, relativize) is { } f)
        {
            var parts = cls.Split('.', '\\', ':').Where(p => p.Length > 0).ToList();
            if (parts.Count > 0 && !TestMatcher.LooksLikePath(cls))
            {
                yield return $"{f}::{parts[^1]}::{name}";
            }

            yield return $"{f}::{name}";
        }

        if (TestMatcher.LooksLikePath(cls) && Relative(cls, relativize) is { } classFile)
        {
            bool goPackage = cls.Contains('/', StringComparison.Ordinal) && !HasExtension(cls);
            if (goPackage)
            {
                yield return $"{cls}.{name}";
            }

            yield return $"{classFile}::{name}";
        }

        if (c.SuiteName is { Length: > 0 } suite && TestMatcher.LooksLikePath(suite))
        {
            if (suite.Contains('/', StringComparison.Ordinal) && !HasExtension(suite))
            {
                yield return $"{suite}.{name}";
            }

            if (Relative(suite, relativize) is { } suiteFile)
            {
                yield return $"{suiteFile}::{name}";
                if (cls.Length > 0 && cls != name)
                {
                    yield return $"{suiteFile}::{string.Join("::", cls.Split(" › "))}::{name}";
                }
            }
        }

        if (cls.Length > 0 && cls != name && cls != "test")
        {
            if (cls.Contains("::", StringComparison.Ordinal))
            {
                // nextest's crate::binary: cargo's crate::module::test view.
                yield return $"{cls}::{name}";
            }

            yield return $"{cls}.{name}";
            yield return $"{cls}::{name}";
            yield return $"{cls} {name}";
        }

        yield return name.Length > 0 ? name : c.SuiteName ?? "";
    }

    private static string? Relative(string path, Func<string, string?> relativize)
    {
        string p = TestMatcher.Normalize(path);
        if (p.StartsWith('/') || (p.Length > 1 && p[1] == ':'))
        {
            return relativize(p);
        }

        return p.Split('/').Contains("..") ? null : p;
    }

    private static bool HasExtension(string path)
    {
        int slash = path.LastIndexOf('/');
        int dot = path.LastIndexOf('.');
        return dot > slash + 1;
    }
}
