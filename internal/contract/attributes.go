package contract

import "slices"

// Attributes are the groups of attributes that a user may switch off (the
// processor's `attributes` configuration). Each costs bytes on every
// diagnosed span, on the wire and in the backend, and carries nothing a
// query could not get another way.
type Attributes struct {
	// CauseTexts are the texts that are the same on every span of a
	// category (or of a user rule): the likelihood, the fix and its
	// effort. A dashboard can look them up by category instead.
	CauseTexts bool `mapstructure:"cause_texts"`
	// ErrorGroup are the fingerprint registry's attributes: first seen, in
	// which version and revision, regression, occurrences, the group's
	// state, relapse and the version that resolved it. Off, the registry
	// records nothing, and the incident connector has nothing to read.
	ErrorGroup bool `mapstructure:"error_group"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// AllAttributes writes every group: the default.
func AllAttributes() Attributes { return Attributes{CauseTexts: true, ErrorGroup: true} }

// CauseTextSuffixes are the attributes of Attributes.CauseTexts.
var CauseTextSuffixes = []string{SuffixLikelihood, SuffixFix, SuffixFixEffort}

// ErrorGroupSuffixes are the attributes of Attributes.ErrorGroup.
var ErrorGroupSuffixes = []string{
	SuffixFirstSeen, SuffixFirstSeenVersion, SuffixFirstSeenRevision, SuffixRegression,
	SuffixOccurrences, SuffixGroupState, SuffixRelapse, SuffixResolvedInVersion,
}

// Writes reports whether the attribute of suffix is written under a: false
// for the suffixes of a group switched off, true for any other.
func (a Attributes) Writes(suffix string) bool {
	return (a.CauseTexts || !slices.Contains(CauseTextSuffixes, suffix)) &&
		(a.ErrorGroup || !slices.Contains(ErrorGroupSuffixes, suffix))
}
