namespace TraceGate.Core.PolicyFile;

/// <summary>Globs are relative to the workspace and stay inside it: the policy comes from the PR's own branch.</summary>
public static class GlobRules
{
    public static string? Check(string glob)
    {
        if (glob.Trim().Length == 0)
        {
            return "a glob cannot be empty";
        }

        if (Path.IsPathRooted(glob) || glob.StartsWith('/') || glob.StartsWith('\\'))
        {
            return "expected a path relative to the workspace, found an absolute path";
        }

        if (glob.Replace('\\', '/').Split('/').Contains(".."))
        {
            return "'..' would leave the workspace: globs must stay inside it";
        }

        return null;
    }
}
