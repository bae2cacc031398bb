package contract

import "regexp"

// DefaultPrefix is the default attribute_prefix of the processor and of the
// connector.
const DefaultPrefix = "diagnosis."

// DefaultMaxLength is the default cap, in characters, of every string
// attribute the processor writes (redaction.max_length); the evidence is
// at most that long (docs/design.md §4).
const DefaultMaxLength = 256

// The suffixes of the attributes, appended to the prefix.
const (
	// Written by the processor on a diagnosed span.
	SuffixCategory          = "category"
	SuffixCause             = "cause"
	SuffixLikelihood        = "likelihood"
	SuffixConfidence        = "confidence"
	SuffixEvidence          = "evidence"
	SuffixEvidenceSpanID    = "evidence.span_id"
	SuffixEvidenceService   = "evidence.service"
	SuffixFix               = "fix"
	SuffixFixEffort         = "fix.effort"
	SuffixRunbookURL        = "runbook.url"
	SuffixFingerprint       = "fingerprint"
	SuffixRule              = "rule"
	SuffixRootCauseCategory = "root_cause.category"
	SuffixRootCauseService  = "root_cause.service"
	// Written by the processor from its fingerprint registry.
	SuffixFirstSeen         = "first_seen"
	SuffixFirstSeenVersion  = "first_seen.version"
	SuffixFirstSeenRevision = "first_seen.revision"
	SuffixRegression        = "regression"
	SuffixOccurrences       = "occurrences"
	SuffixGroupState        = "group.state"
	SuffixRelapse           = "relapse"
	SuffixResolvedInVersion = "resolved_in.version"
	// Written by the connector on its incident records only.
	SuffixResolvedRequests = "resolved.requests"
	SuffixIncidentKind     = "incident.kind"
	SuffixSpanName         = "span.name"
)

// Names are the attribute names under one prefix, computed once.
type Names struct {
	Prefix string

	Category, Cause, Likelihood, Confidence, Evidence, EvidenceSpanID, EvidenceService,
	Fix, FixEffort, RunbookURL, Fingerprint, Rule, RootCauseCategory, RootCauseService string

	FirstSeen, FirstSeenVersion, FirstSeenRevision, Regression, Occurrences,
	GroupState, Relapse, ResolvedInVersion string

	// ResolvedRequests are the requests the resolving version had served.
	ResolvedRequests, IncidentKind, SpanName string
}

// NewNames returns the names under prefix (e.g. "diagnosis.").
func NewNames(prefix string) Names {
	return Names{
		Prefix:            prefix,
		Category:          prefix + SuffixCategory,
		Cause:             prefix + SuffixCause,
		Likelihood:        prefix + SuffixLikelihood,
		Confidence:        prefix + SuffixConfidence,
		Evidence:          prefix + SuffixEvidence,
		EvidenceSpanID:    prefix + SuffixEvidenceSpanID,
		EvidenceService:   prefix + SuffixEvidenceService,
		Fix:               prefix + SuffixFix,
		FixEffort:         prefix + SuffixFixEffort,
		RunbookURL:        prefix + SuffixRunbookURL,
		Fingerprint:       prefix + SuffixFingerprint,
		Rule:              prefix + SuffixRule,
		RootCauseCategory: prefix + SuffixRootCauseCategory,
		RootCauseService:  prefix + SuffixRootCauseService,
		FirstSeen:         prefix + SuffixFirstSeen,
		FirstSeenVersion:  prefix + SuffixFirstSeenVersion,
		FirstSeenRevision: prefix + SuffixFirstSeenRevision,
		Regression:        prefix + SuffixRegression,
		Occurrences:       prefix + SuffixOccurrences,
		GroupState:        prefix + SuffixGroupState,
		Relapse:           prefix + SuffixRelapse,
		ResolvedInVersion: prefix + SuffixResolvedInVersion,
		ResolvedRequests:  prefix + SuffixResolvedRequests,
		IncidentKind:      prefix + SuffixIncidentKind,
		SpanName:          prefix + SuffixSpanName,
	}
}

var prefixPattern = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)

// ValidPrefix reports whether prefix is an attribute_prefix both sides
// accept: not empty, of letters, digits, '_', '-' and '.'.
func ValidPrefix(prefix string) bool { return prefixPattern.MatchString(prefix) }
