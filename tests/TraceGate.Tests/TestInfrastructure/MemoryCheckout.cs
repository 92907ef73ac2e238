using System.Text;
using Microsoft.Extensions.FileSystemGlobbing;
using TraceGate.Core.Evidence;
using TraceGate.Core.Pipeline;

namespace TraceGate.Tests.TestInfrastructure;

/// <summary>A checkout held in memory, for running the whole gate without a host: paths relative to its root
/// ('/'-separated) and their bytes. Globs match as the disk's do for paths inside the checkout.</summary>
public sealed class MemoryCheckout : IInputSource, IWorkspace
{
    private readonly SortedDictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    /// <summary>Every file of a folder on disk (node_modules left out), read once into memory.</summary>
    public static MemoryCheckout Of(string root)
    {
        var checkout = new MemoryCheckout();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (!relative.StartsWith("node_modules/", StringComparison.Ordinal))
            {
                checkout.Add(relative, File.ReadAllBytes(file));
            }
        }

        return checkout;
    }

    public IList<PrTemplate> Templates { get; } = [];

    public MemoryCheckout Add(string path, byte[] content)
    {
        _files[path] = content;
        return this;
    }

    public MemoryCheckout Add(string path, string text) => Add(path, Encoding.UTF8.GetBytes(text));

    public string Text(string path) => Encoding.UTF8.GetString(_files[path]);

    public FoundInputs Find(IReadOnlyList<string> globs, bool fromCi)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var unmatched = new List<string>();
        foreach (var glob in globs)
        {
            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(glob);
            var hits = _files.Keys.Where(p => p == glob || matcher.Match(p).HasMatches).ToList();
            if (hits.Count == 0)
            {
                unmatched.Add(glob);
            }

            found.UnionWith(hits);
        }

        return new FoundInputs(found.Select(p => NamedInput.FromBytes(p, _files[p])).ToList(), unmatched, []);
    }

    public PrTemplates PrTemplates() => new(Templates.ToList(), []);

    public PathState Probe(string relativePath) =>
        _files.ContainsKey(relativePath.Replace('\\', '/')) ? PathState.Exists : PathState.Missing;
}
