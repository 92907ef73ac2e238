using TraceGate.Core.Model;
using TraceGate.Core.Policy;

namespace TraceGate.Core.Gates;

/// <summary>Runs the gates the policy asks for and assembles the one report every renderer reads.</summary>
public static class GateRun
{
    /// <param name="hostChecks">Checks the host made while reading inputs (a glob that matched nothing).</param>
    public static Report Evaluate(GatePolicy policy, EvidenceInputs inputs, IEnumerable<Check> hostChecks, string? traceLink = null)
    {
        var evidence = EvidenceGate.Evaluate(policy.Evidence, inputs);
        var checks = hostChecks.Concat(evidence.Checks).ToList();
        return new Report(Report.ConclusionOf(checks), checks, evidence.Evidence, evidence.Checklist, evidence.Trailers)
        {
            FieldOrder = policy.Evidence.Fields.Select(f => f.Name).ToList(),
            PolicyDescription = policy.Path ?? "defaults",
            PolicyIsDefault = policy.IsDefault,
            Links = policy.Evidence.Fields.Where(f => f.Link is not null).ToDictionary(f => f.Name, f => f.Link!),
            TraceLink = traceLink,
        };
    }
}
