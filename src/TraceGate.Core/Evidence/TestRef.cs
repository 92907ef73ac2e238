using System.Text.RegularExpressions;

namespace TraceGate.Core.Evidence;

/// <summary>
/// A repro test reference, in the forms people write (the README's table has one per runner):
/// <list type="bullet">
/// <item><c>path::name</c> and <c>path::Class::name</c>, pytest's node id, used for every language; <c>path</c> may
/// be a file or a directory (a Go package: <c>./pkg/pay::TestFeeGuard</c>).</item>
/// <item>Go's <c>pkg/pay.TestFeeGuard</c> (and the import path, <c>github.com/acme/pay.TestFeeGuard</c>).</item>
/// <item>Rust's <c>crate::module::test_name</c>: parts with no <c>/</c> and no extension name no path.</item>
/// <item>The runner's own full display name without <c>::</c>: <c>Pay.Tests.PayTests.Fee</c>,
/// <c>SuccessfulTest.Succeeds</c>, <c>pay/fee.spec.ts › refunds › keeps fee</c>.</item>
/// </list>
/// </summary>
public sealed partial record TestRef(string Path, IReadOnlyList<string> ClassParts, string Name)
{
    /// <summary>The reference as written, trimmed.</summary>
    public string Text { get; init; } = "";

    /// <summary>True when <see cref="Path"/> names a file or directory of the checkout, to be checked.</summary>
    public bool HasPath { get; init; } = true;

    /// <summary>A display name: no path, no parts; matched against the runner's full names.</summary>
    public bool IsDisplayName => Path.Length == 0;

    public override string ToString() => IsDisplayName ? Name
        : Text.Length > 0 && !Text.Contains("::", StringComparison.Ordinal) ? Text
        : string.Join("::", new[] { Path }.Concat(ClassParts).Append(Name));

    /// <summary>Parses the reference; on failure returns null and says what was expected.</summary>
    public static TestRef? Parse(string value, out string? problem)
    {
        problem = null;
        string text = value.Trim();
        if (!text.Contains("::", StringComparison.Ordinal))
        {
            if (GoName().Match(text) is { Success: true } go)
            {
                string pkg = go.Groups["pkg"].Value;
                // An import path starts with a domain ("github.com/..."): not a folder of the checkout.
                bool importPath = pkg.Split('/')[0].Contains('.', StringComparison.Ordinal) && pkg.Contains('/', StringComparison.Ordinal);
                return CheckPath(pkg, text, ref problem) is { } path
                    ? new TestRef(path, [], go.Groups["name"].Value) { Text = text, HasPath = !importPath }
                    : null;
            }

            // A path and no test ("tests/test_x.py"): a name with '/' has spaces or arguments ("Method(\"a/b\")").
            if (text.Length == 0 || (text.IndexOfAny(['/', '\\']) >= 0 && !text.Any(char.IsWhiteSpace) && text.IndexOfAny(['(', '[', '#', '<']) < 0))
            {
                problem = $"'{value}' is not a test reference: expected path::test_name, e.g. tests/test_transfer.py::test_fee_guard_fires";
                return null;
            }

            return new TestRef("", [], text) { Text = text, HasPath = false };
        }

        var parts = text.Split("::");
        if (parts.Any(p => p.Trim().Length == 0))
        {
            problem = $"'{value}' is not a test reference: expected path::test_name, e.g. tests/test_transfer.py::test_fee_guard_fires";
            return null;
        }

        string first = parts[0].Trim();
        // Rust's crate::module::test: a first part with no '/', '\' or '.' is a crate or module, not a path.
        bool hasPath = first.IndexOfAny(['/', '\\', '.']) >= 0;
        var checkedPath = CheckPath(first, value, ref problem);
        return checkedPath is null
            ? null
            : new TestRef(checkedPath, parts[1..^1].Select(p => p.Trim()).ToList(), parts[^1].Trim()) { Text = text, HasPath = hasPath };
    }

    private static string? CheckPath(string raw, string value, ref string? problem)
    {
        string path = raw.Replace('\\', '/');
        if (path.StartsWith('/') || System.IO.Path.IsPathRooted(path) || (path.Length > 1 && path[1] == ':'))
        {
            problem = $"'{path}' is an absolute path: the repro path must be relative to the checkout";
            return null;
        }

        if (path.Split('/').Contains(".."))
        {
            problem = $"'{path}' leaves the checkout with '..': the repro path must be inside it";
            return null;
        }

        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        return path.TrimEnd('/');
    }

    // go test -run's view: the package, a dot, then a Test/Benchmark/Example/Fuzz function and optional subtests.
    [GeneratedRegex(@"^(?<pkg>(?:\./)?[\w.\-]+(?:/[\w.\-]+)+|\./[\w.\-]+)\.(?<name>(?:Test|Benchmark|Example|Fuzz)\w*(?:/.*)?)$")]
    private static partial Regex GoName();
}

public enum PathState
{
    Exists,
    Missing,
    OutsideWorkspace,
}

/// <summary>The checkout as the gates see it. The host implements it over the file system, resolving links.</summary>
public interface IWorkspace
{
    PathState Probe(string relativePath);
}
