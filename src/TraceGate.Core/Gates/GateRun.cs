using TraceGate.Core.Model;
using TraceGate.Core.Policy;

namespace TraceGate.Core.Gates;

/// <summary>Runs the gates the policy asks for and assembles the one report every renderer reads.</summary>
public static class GateRun
{
    /// <param name="hostChecks">Checks the host made while reading inputs (a glob that matched nothing).</param>
    /// <param name="proof">The baseline side of a proof (tracegate prove, or baseline test results), or null.</param>
    /// <param name="proofTraces">The head and baseline traces as the rules saw them, for <c>proves: true</c> rules.</param>
    /// <param name="incidentLookup">Finds the incident's trace (incident id, primary trace id): in the committed incident
    /// traces or the CI's trace backend; null when neither is given.</param>
    public static Report Evaluate(GatePolicy policy, EvidenceInputs inputs, IEnumerable<Check> hostChecks, string? traceLink = null, ProofInputs? proof = null,
        ProofTraces? proofTraces = null, Func<string?, string, IncidentTraces?>? incidentLookup = null)
    {
        var evidence = EvidenceGate.Evaluate(policy.Evidence, inputs);
        var checks = hostChecks.Concat(evidence.Checks).ToList();
        ProofSummary? summary = null;
        if (proof is not null)
        {
            // The repro as the evidence gate settled on it (PR description first, then trailers).
            var repro = policy.Evidence.Fields.Where(f => f.Kind == FieldKind.TestRef)
                .Select(f => evidence.Evidence.GetValueOrDefault(f.Name)?.Value).FirstOrDefault(v => v is not null);
            var reference = repro is null ? null : Evidence.TestRef.Parse(repro, out _);
            (var check, summary) = ProofGate.Evaluate(reference, proof, inputs.TestCases, inputs.TestResultFiles, inputs.TestCaseCount);
            // A pull request the policy puts out of scope needs no evidence, so no proof either: say why.
            if (evidence.Checks.FirstOrDefault(c => c.Id == ScopeGate.CheckId && c.Outcome == Outcome.Skip) is { } outOfScope)
            {
                check = new Check(ProofGate.CheckId, Outcome.Skip, "not judged: " + outOfScope.Message);
            }

            checks.Add(check);
        }

        if (policy.Traces.Rules.Any(r => r.Proves))
        {
            var outOfScope = evidence.Checks.FirstOrDefault(c => c.Id == ScopeGate.CheckId && c.Outcome == Outcome.Skip);
            string? traceId = policy.Evidence.Fields.Where(f => f.Kind == FieldKind.TraceId)
                .Select(f => evidence.Evidence.GetValueOrDefault(f.Name)?.TraceId).FirstOrDefault(v => v is not null);
            string? incidentId = evidence.Evidence.GetValueOrDefault("incident")?.Value;
            var incident = traceId is not null && outOfScope is null ? incidentLookup?.Invoke(incidentId, traceId) : null;
            var (proofChecks, rules, incidentProof) = TraceProofGate.Evaluate(policy.Traces, proofTraces, traceId, incident);
            foreach (var c in proofChecks)
            {
                // Out of scope, nothing needs proving; without evidence (a build that is not for a PR) there is no
                // incident to look up.
                checks.Add(outOfScope is not null ? new Check(c.Id, Outcome.Skip, "not judged: " + outOfScope.Message)
                    : c.Id == TraceProofGate.IncidentCheckId && policy.Evidence.Fields.Count == 0
                        ? new Check(c.Id, Outcome.Skip, "not judged: no PR description or commits were given, so there is no incident to look up")
                        : c);
            }

            summary = (summary ?? new ProofSummary(null, null)) with
            {
                Rules = rules,
                Incident = outOfScope is null && policy.Evidence.Fields.Count > 0 ? incidentProof : null,
            };
        }

        return new Report(Report.ConclusionOf(checks), checks, evidence.Evidence, evidence.Checklist, evidence.Trailers)
        {
            FieldOrder = policy.Evidence.Fields.Select(f => f.Name).ToList(),
            PolicyDescription = policy.Path ?? "defaults",
            PolicyIsDefault = policy.IsDefault,
            Links = policy.Evidence.Fields.Where(f => f.Link is not null).ToDictionary(f => f.Name, f => f.Link!),
            TraceLink = traceLink,
            // How often tracegate prove ran each side (both sides run equally often: the proof directory checks it).
            Proof = summary is null ? null : summary with { Repeat = proof?.HeadRun?.Repeat ?? proof?.BaselineRun?.Repeat },
        };
    }
}
