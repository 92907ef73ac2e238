using System.Text.RegularExpressions;

namespace TraceGate.Core.Model;

/// <summary>
/// The one definition of the ids a policy may give and of the check ids built from them. The policy loader accepts
/// only these, the JSON report reader refuses anything else in a report read back (a fork's artifact), and
/// schema/report.schema.json states the same patterns (a test holds them equal).
/// </summary>
public static class PolicyIds
{
    /// <summary>A trace rule's <c>id</c>.</summary>
    public const string RuleIdPattern = "^[a-z0-9][a-z0-9._-]{0,63}$";

    /// <summary>An evidence field's name.</summary>
    public const string FieldNamePattern = "^[a-z][a-z0-9-]{0,39}$";

    /// <summary>Every check id a run makes: <c>evidence</c>, <c>evidence.FIELD</c>, <c>evidence.agreement.FIELD</c>,
    /// <c>evidence.FIELD.run</c>, <c>traces.RULE</c> (and the fixed traces.files, traces.baseline, traces.integrity,
    /// traces.redaction, traces.baseline.names, which are rule ids too), <c>proof.CHECK</c> (proof.repro) and <c>tests.results</c>.</summary>
    public const string CheckIdPattern = @"^(evidence(\.(agreement\.)?[a-z][a-z0-9-]{0,39}(\.run)?)?|traces\.[a-z0-9][a-z0-9._-]{0,63}|proof\.[a-z0-9][a-z0-9._-]{0,63}|tests\.results)$";

    private static readonly Regex RuleId = new(RuleIdPattern, RegexOptions.CultureInvariant);
    private static readonly Regex FieldName = new(FieldNamePattern, RegexOptions.CultureInvariant);
    private static readonly Regex CheckId = new(CheckIdPattern, RegexOptions.CultureInvariant);

    public static bool IsRuleId(string id) => Whole(RuleId, id);

    public static bool IsFieldName(string name) => Whole(FieldName, name);

    public static bool IsCheckId(string id) => Whole(CheckId, id);

    // .NET's '$' also matches before a final newline (ECMAScript's, in the schema, does not): "x\n" is not an id.
    private static bool Whole(Regex regex, string text) => !text.EndsWith('\n') && regex.IsMatch(text);
}
