using TraceGate.Core.Evidence;

namespace TraceGate.Core.TestResults;

/// <summary>
/// Finds the test cases that a <see cref="TestRef"/> names. The name: the case's name, or that name without a
/// trailing parameter suffix (<c>[1]</c>, <c>(1)</c>), equals the reference's last part; or the case's name is the
/// reference's parts and name joined the way the runner joins titles (<c>" › "</c> Playwright, <c>" > "</c> vitest,
/// <c>" "</c> jest-junit, <c>"/"</c> Go subtests). The place, one of:
/// <list type="bullet">
/// <item>the case's <c>file</c> (or its suite's) is the reference's path, or a suffix of it, or ends with it
/// (PHPUnit's absolute path): then the class parts must end the class name (PHPUnit's namespace is not the path);</item>
/// <item>the class name or the suite name is a path (vitest and Playwright write the file, jest-junit puts it in the
/// suite name, Go the import path <c>github.com/acme/pay/pkg/pay</c>) that is, ends with or ends the reference's
/// path;</item>
/// <item>the dotted class name ends the reference's path without extension, split on <c>/</c> and <c>.</c>, followed
/// by its class parts (pytest <c>tests.test_x.TestA</c>, Surefire <c>com.ex.PayTest</c>, .NET
/// <c>Pay.Tests.PayTests</c>); nextest's <c>crate::binary</c> names the file <c>tests/binary.rs</c>;</item>
/// <item>the report says no place at all (node's classname <c>test</c>, jest-junit's classname that repeats the title,
/// Catch2's <c>exe.global</c>, CUnit, googletest without <c>file</c>): the class parts, if any, name the suite
/// (the describe block, the fixture).</item>
/// </list>
/// A display name (a reference without <c>::</c>, or Rust's <c>crate::module::test</c>) equals the case's full
/// name: the name itself, or class name and name joined with <c>.</c>, <c>::</c>, <c>/</c>, <c>" "</c> or
/// <c>" › "</c>.
/// </summary>
public static class TestMatcher
{
    private static readonly string[] TitleSeparators = [" › ", " > ", " ", "/", "::"];
    private static readonly string[] DisplaySeparators = [".", "::", "/", " ", " › ", " > ", "#"];

    public static IReadOnlyList<TestCaseResult> Find(TestRef reference, IEnumerable<TestCaseResult> cases) =>
        cases.Where(c => Matches(reference, c)).ToList();

    /// <summary>
    /// When no case matches: the errors that stopped the reference's file or package from running at all, so the
    /// repro is reported as errored rather than missing. jest's "Test suite failed to run", pytest's collection
    /// error (named for the module), go-junit-report's <c>Failure</c> and <c>[build failed]</c> of a package.
    /// </summary>
    public static IReadOnlyList<TestCaseResult> FindForRepro(TestRef reference, IReadOnlyList<TestCaseResult> cases) =>
        Find(reference, cases) is { Count: > 0 } found ? found : FindFileErrors(reference, cases);

    public static IReadOnlyList<TestCaseResult> FindFileErrors(TestRef reference, IEnumerable<TestCaseResult> cases) =>
        reference.IsDisplayName ? [] : cases.Where(c => c.Outcome == TestOutcome.Errored && IsFileLevel(c, reference)
            && MatchesPathForm(reference with { ClassParts = [] }, c with { Name = reference.Name })).ToList();

    private static bool IsFileLevel(TestCaseResult c, TestRef r)
    {
        string name = Normalize(c.Name);
        string stem = StripExtension(r.Path).Replace('/', '.');
        return c.ClassName == "Test suite failed to run" || name == r.Path || PathMatches(name, r.Path)
            || name == stem || stem.EndsWith("." + name, StringComparison.Ordinal)
            || name is "Failure" or "[build failed]" or "[setup failed]";
    }

    public static bool Matches(TestRef reference, TestCaseResult c)
    {
        if (reference.IsDisplayName)
        {
            return IsDisplayName(reference.Name, c);
        }

        return MatchesPathForm(reference, c)
            // Rust's crate::module::test (or a Go package at the root): also the runner's full name.
            || (!reference.HasPath && IsDisplayName(reference.Text, c));
    }

    private static bool MatchesPathForm(TestRef r, TestCaseResult c)
    {
        string name = c.Name.Trim();
        string baseName = ParameterSuffix.Strip(name);
        if (name == r.Name || baseName == r.Name)
        {
            if (Located(r, c, r.ClassParts))
            {
                return true;
            }
        }

        // Some loggers write the fully qualified method as the name: "Ns.Class.Method".
        if (c.ClassName.Length == 0 && baseName.EndsWith("." + r.Name, StringComparison.Ordinal))
        {
            var qualified = c with { ClassName = baseName[..^(r.Name.Length + 1)], Name = r.Name };
            if (Located(r, qualified, r.ClassParts))
            {
                return true;
            }
        }

        // Title chains: the describe blocks are the class parts.
        if (r.ClassParts.Count > 0)
        {
            foreach (var sep in TitleSeparators)
            {
                string chain = string.Join(sep, r.ClassParts.Append(r.Name));
                if ((name == chain || baseName == chain) && Located(r, c, []))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Located(TestRef r, TestCaseResult c, IReadOnlyList<string> classParts)
    {
        var classSplit = Split(c.ClassName);
        if (c.File is { Length: > 0 } file && PathMatches(Normalize(file), r.Path))
        {
            return classParts.Count == 0 || EndsWith(classSplit, classParts) || IsSuite(c, classParts);
        }

        if (LooksLikePath(c.ClassName) && PathMatches(Normalize(c.ClassName), r.Path))
        {
            return classParts.Count == 0;
        }

        if (c.SuiteName is { Length: > 0 } suite && LooksLikePath(suite) && PathMatches(Normalize(suite), r.Path))
        {
            // jest-junit: the describe blocks are the class name, joined with " › " or " ".
            return classParts.Count == 0 || c.ClassName == string.Join(" › ", classParts) || c.ClassName == string.Join(" ", classParts)
                || (classSplit.Count > 0 && c.ClassName.Contains('/', StringComparison.Ordinal) && PathMatches(Normalize(c.ClassName), r.Path));
        }

        if (c.ClassName.Contains("::", StringComparison.Ordinal) && !c.ClassName.Contains(' ', StringComparison.Ordinal))
        {
            // nextest: "crate::binary" for the integration test tests/binary.rs; "crate" alone for the library.
            string binary = c.ClassName[(c.ClassName.LastIndexOf("::", StringComparison.Ordinal) + 2)..];
            return classParts.Count == 0 && FileStem(r.Path) == binary.Replace('-', '_');
        }

        var expected = StripExtension(r.Path).Split('/', '.').Where(s => s.Length > 0).Concat(classParts).ToList();
        if (classSplit.Count > 0 && !c.ClassName.Contains(' ', StringComparison.Ordinal) && EndsWith(expected, classSplit))
        {
            return true;
        }

        return !HasPlace(c) && (classParts.Count == 0 ? NamesNoContainer(c) : IsSuite(c, classParts));
    }

    /// <summary>The class parts name the suite: a describe block (node, jest), a googletest or CUnit fixture,
    /// Catch2's <c>exe.Fixture</c>.</summary>
    private static bool IsSuite(TestCaseResult c, IReadOnlyList<string> classParts)
    {
        foreach (var sep in TitleSeparators)
        {
            string joined = string.Join(sep, classParts);
            if (c.SuiteName == joined || c.ClassName == joined)
            {
                return true;
            }
        }

        // Catch2: the suite is the executable, the class name "exe.Fixture".
        return classParts.Count == 1 && c.SuiteName is { Length: > 0 } exe && c.ClassName == exe + "." + classParts[0];
    }

    /// <summary>No container in the class name: empty, node's "test", jest-junit's repeated title, Catch2's
    /// "exe.global".</summary>
    private static bool NamesNoContainer(TestCaseResult c) =>
        c.ClassName.Length == 0 || c.ClassName == "test" || c.ClassName == c.Name
        || (c.SuiteName is { Length: > 0 } exe && c.ClassName == exe + ".global")
        || c.ClassName == c.SuiteName;

    /// <summary>Whether the report says where the test is: a file, a path-like class or suite name, or a dotted
    /// class name that is not just the suite's.</summary>
    private static bool HasPlace(TestCaseResult c) =>
        c.File is { Length: > 0 } || LooksLikePath(c.ClassName) || (c.SuiteName is { } s && LooksLikePath(s))
        || (c.ClassName.Contains('.', StringComparison.Ordinal) && !c.ClassName.Contains(' ', StringComparison.Ordinal)
            && !(c.SuiteName is { Length: > 0 } exe && c.ClassName.StartsWith(exe + ".", StringComparison.Ordinal)));

    private static bool IsDisplayName(string text, TestCaseResult c)
    {
        string name = c.Name.Trim();
        if (name.Length == 0)
        {
            // googletest's failure outside any test: an unnamed case in a named suite.
            return c.SuiteName == text;
        }

        if (name == text || ParameterSuffix.Strip(name) == text)
        {
            return true;
        }

        if (c.ClassName.Length > 0)
        {
            foreach (var sep in DisplaySeparators)
            {
                string full = c.ClassName + sep + name;
                if (full == text || ParameterSuffix.Strip(full) == text)
                {
                    return true;
                }
            }

            // nextest: "crate::binary" and "module::test": cargo's view is crate::module::test.
            int cut = c.ClassName.IndexOf("::", StringComparison.Ordinal);
            if (cut > 0 && c.ClassName[..cut] + "::" + name == text)
            {
                return true;
            }
        }

        return false;
    }

    internal static bool LooksLikePath(string s) =>
        s.Length > 0 && !s.Contains(' ', StringComparison.Ordinal) && (s.Contains('/', StringComparison.Ordinal) || s.Contains('\\', StringComparison.Ordinal)
            || HasSourceExtension(s));

    private static bool HasSourceExtension(string s)
    {
        int dot = s.LastIndexOf('.');
        if (dot <= 0)
        {
            return false;
        }

        string ext = s[(dot + 1)..];
        return ext is "js" or "mjs" or "cjs" or "jsx" or "ts" or "mts" or "cts" or "tsx" or "py" or "rb" or "php" or "go" or "rs"
            or "cs" or "fs" or "vb" or "java" or "kt" or "scala" or "swift" or "dart" or "c" or "cc" or "cpp" or "cxx" or "ex" or "exs" or "vue" or "svelte";
    }

    /// <summary>A and B name the same file or folder: equal, or one ends the other at a '/'.</summary>
    private static bool PathMatches(string reported, string reference) =>
        reported == reference
        || reported.EndsWith("/" + reference, StringComparison.Ordinal)
        || reference.EndsWith("/" + reported, StringComparison.Ordinal);

    private static List<string> Split(string className) =>
        className.Split('.', '/', ':', '\\').Where(s => s.Length > 0).ToList();

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

    private static string StripExtension(string path)
    {
        int slash = path.LastIndexOf('/');
        int dot = path.LastIndexOf('.');
        return dot > slash + 1 ? path[..dot] : path;
    }

    private static string FileStem(string path)
    {
        var stem = StripExtension(path);
        return stem[(stem.LastIndexOf('/') + 1)..];
    }

    internal static string Normalize(string file)
    {
        var f = file.Replace('\\', '/').Trim();
        while (f.StartsWith("./", StringComparison.Ordinal))
        {
            f = f[2..];
        }

        return f.TrimEnd('/');
    }
}
