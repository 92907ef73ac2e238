namespace TraceGate.Core.Evidence;

/// <summary>
/// A test reference in pytest's node-id form, used for every language: <c>path::name</c>, with optional
/// class parts between (<c>tests/test_x.py::TestTransfer::test_fee</c>).
/// </summary>
public sealed record TestRef(string Path, IReadOnlyList<string> ClassParts, string Name)
{
    public override string ToString() => string.Join("::", new[] { Path }.Concat(ClassParts).Append(Name));

    /// <summary>Parses the reference; on failure returns null and says what was expected.</summary>
    public static TestRef? Parse(string value, out string? problem)
    {
        problem = null;
        var parts = value.Trim().Split("::");
        if (parts.Length < 2 || parts.Any(p => p.Trim().Length == 0))
        {
            problem = $"'{value}' is not a test reference: expected path::test_name, e.g. tests/test_transfer.py::test_fee_guard_fires";
            return null;
        }

        string path = parts[0].Trim().Replace('\\', '/');
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

        if (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        return new TestRef(path, parts[1..^1].Select(p => p.Trim()).ToList(), parts[^1].Trim());
    }
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
